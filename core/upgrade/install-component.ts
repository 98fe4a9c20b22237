/**
 * Install-MfaServer's story: install MFA Server or one web component on a server, then prove it is there (the
 * product registered, or the IIS application on its virtual directory). The upgrade's steps use the same installers.
 */
import type { WebComponentName } from '../domain/catalog';
import { WEB_COMPONENTS } from '../domain/catalog';
import type { Host } from '../host/host';
import { listWebApplications } from '../host/iis';
import { inventoryServer } from '../survey/inventory';
import { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import { installComponentMsi, installServer, selectComponentMsi, vdirPropertyOf } from './installers';

export interface InstallRequest {
  host: Host;
  /** MfaServer: the media folder of the setup; a web component: the folder holding its MSIs. */
  installerPath: string;
  component: 'MfaServer' | WebComponentName;
  /** A web component's virtual directory (default: the installer's own). */
  virtualDirectory?: string;
}

export interface InstalledComponent {
  ComputerName: string;
  Component: string;
  InstallerPath: string;
  ExitCode: number;
  RebootRequired: boolean;
  VirtualDirectory: string | null;
  InstallPath: string | null;
  LogPath: string;
}

/** Undefined when -WhatIf (or -Confirm's answer) left the install undone. */
export async function installComponent(req: InstallRequest, ctx: OperationContext): Promise<InstalledComponent | undefined> {
  const { host, component } = req;
  if (component === 'MfaServer') {
    const r = await ctx.act(
      { id: `install:${host.computerName}:MfaServer`, target: `${host.computerName}: ${req.installerPath}`, description: 'Install MFA Server' },
      () => installServer(host, req.installerPath),
    );
    if (!r) return undefined;
    const server = (await inventoryServer(host)).Components.find((c) => c.Component === 'MfaServer');
    if (!server) throw new CoreError(
      'InstallVerificationFailed',
      `The setup ended with exit ${r.ExitCode} but MFA Server is not registered on ${host.computerName}. See ${r.LogPath}.`,
      r.LogPath,
    );
    return {
      ComputerName: host.computerName,
      Component: component,
      InstallerPath: req.installerPath,
      ExitCode: r.ExitCode,
      RebootRequired: r.RebootRequired,
      VirtualDirectory: null,
      InstallPath: server.InstallPath,
      LogPath: r.LogPath,
    };
  }
  const web = component;
  const msi = await selectComponentMsi(host, req.installerPath, web);
  const vdir = req.virtualDirectory ?? WEB_COMPONENTS[web].newVirtualDirectory;
  const properties: Record<string, string> = {};
  if (vdir.toLowerCase() !== WEB_COMPONENTS[web].newVirtualDirectory.toLowerCase()) {
    const property = await vdirPropertyOf(host, msi.source, web);
    if (!property) {
      throw new CoreError(
        'VirtualDirectoryNotSettable',
        `${msi.source} has no property for the virtual directory, so it cannot be installed silently on /${vdir}. Run it interactively (msiexec /i ` +
          `"${msi.source}") and set Virtual directory to "${vdir}" on the "Select Installation Address" page.`,
        'VirtualDirectory',
      );
    }
    properties[property] = vdir;
  }
  const r = await ctx.act(
    {
      id: `install:${host.computerName}:${web}`,
      target: `${host.computerName}: ${msi.source}`,
      description: `Install ${msi.productName} ${msi.productVersion ?? ''} on /${vdir}`,
    },
    () => installComponentMsi(host, msi.source, web, properties),
  );
  if (!r) return undefined;
  const app = (await listWebApplications(host)).find((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === vdir.toLowerCase());
  if (!app) throw new CoreError(
    'VirtualDirectoryMissing',
    `${web} was installed (exit ${r.ExitCode}) but /${vdir} is not an IIS application on ${host.computerName}. See ${r.LogPath}.`,
    vdir,
  );
  return {
    ComputerName: host.computerName,
    Component: component,
    InstallerPath: msi.source,
    ExitCode: r.ExitCode,
    RebootRequired: r.RebootRequired,
    VirtualDirectory: vdir,
    InstallPath: app.physicalPath,
    LogPath: r.LogPath,
  };
}
