/** Install-MfaServer: installs MFA Server, or one of its web components, and verifies the result. */
import { Type, type Static } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { TargetParameters, targetOf } from './contract/target-parameters';
import { openTargetHost } from '../host/open-targets';
import { inventoryServer } from '../survey/inventory';
import { listWebApplications } from '../host/iis';
import { installComponentMsi, installServer, selectComponentMsi, vdirPropertyOf } from '../upgrade';
import { WEB_COMPONENTS } from '../domain/catalog';
import { CoreError } from '../util/errors';

const Input = Type.Object(
  {
    ...TargetParameters,
    InstallerPath: Type.String({
      minLength: 1,
      description: 'For MfaServer: the media folder with MultiFactorAuthenticationServerSetup.exe. For a web component: the folder holding its 32/64-bit ' +
        'MSIs (on an MFA server: its install folder).',
      'x-mfa': { pipeline: true },
    }),
    Component: Type.Optional(StringEnum(
      ['MfaServer', 'WebServiceSdk', 'UserPortal', 'MobileAppWebService'],
      { description: 'What to install (default MfaServer). Web components use the MSI of the target\'s bitness.' },
    )),
    VirtualDirectory: Type.Optional(Type.String({
      minLength: 1,
      description: 'The virtual directory of a web component (default: the installer\'s own, e.g. MultiFactorAuth). Needs an installer property for it; ' +
        'otherwise the install is refused with instructions for an interactive install.',
    })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  ComputerName: Type.String(),
  Component: Type.String(),
  InstallerPath: Type.String(),
  ExitCode: Type.Integer(),
  RebootRequired: Type.Boolean(),
  VirtualDirectory: Type.Union([Type.String(), Type.Null()]),
  InstallPath: Type.Union([Type.String(), Type.Null()]),
  LogPath: Type.String(),
});

export const installMfaServerOperation = defineOperation({
  name: 'install-mfaserver',
  cmdlet: 'Install-MfaServer',
  synopsis: 'Installs MFA Server or one of its web components (Web Service SDK, User portal, Mobile App Web Service).',
  description: [
    'MfaServer: checks that the setup program in -InstallerPath is MFA Server, runs it (it reuses the PhoneFactor install',
    'path from the registry and upgrades the data file), and verifies that the product is registered. Web components: picks',
    'the 32- or 64-bit MSI that matches the server, checks its ProductName before running it, installs it silently (with',
    'the requested virtual directory when the MSI has a property for it) and verifies that the product is registered and',
    'the virtual directory exists.',
  ].join(' '),
  examples: [
    {
      title: 'Install MFA Server',
      code: "Install-MfaServer -InstallerPath 'C:\\Media\\MfaServer' -Confirm:$false",
      remarks: 'Then install the SDK and portal with -Component.',
    },
    {
      title: 'Install the User portal under the old name',
      code: "Install-MfaServer -Component UserPortal -InstallerPath 'C:\\Program Files\\PhoneFactor' -VirtualDirectory PhoneFactor",
      remarks: 'Refused with instructions when the MSI offers no property for the virtual directory.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.InstallResult',
  view: ['ComputerName', 'Component', 'ExitCode', 'RebootRequired', 'VirtualDirectory', 'InstallPath'],
  changesState: { confirmImpact: 'High' },
  timeoutSeconds: 3600,
  links: ['Uninstall-PhoneFactor', 'Invoke-MfaServerUpgrade'],
  handler: perItem(async (item, ctx): Promise<Static<typeof Output>[]> => {
    const host = await openTargetHost(targetOf(item));
    const component = item.Component ?? 'MfaServer';
    if (component === 'MfaServer') {
      const r = await ctx.act(
        { id: `install:${host.computerName}:MfaServer`, target: `${host.computerName}: ${item.InstallerPath}`, description: 'Install MFA Server' },
        () => installServer(host, item.InstallerPath),
      );
      if (!r) return [];
      const server = (await inventoryServer(host)).Components.find((c) => c.Component === 'MfaServer');
      if (!server) throw new CoreError(
        'InstallVerificationFailed',
        `The setup ended with exit ${r.ExitCode} but MFA Server is not registered on ${host.computerName}. See ${r.LogPath}.`,
        r.LogPath,
      );
      return [{
        ComputerName: host.computerName,
        Component: component,
        InstallerPath: item.InstallerPath,
        ExitCode: r.ExitCode,
        RebootRequired: r.RebootRequired,
        VirtualDirectory: null,
        InstallPath: server.InstallPath,
        LogPath: r.LogPath,
      }];
    }
    const web = component;
    const msi = await selectComponentMsi(host, item.InstallerPath, web);
    const vdir = item.VirtualDirectory ?? WEB_COMPONENTS[web].newVirtualDirectory;
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
    if (!r) return [];
    const app = (await listWebApplications(host)).find((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === vdir.toLowerCase());
    if (!app) throw new CoreError(
      'VirtualDirectoryMissing',
      `${web} was installed (exit ${r.ExitCode}) but /${vdir} is not an IIS application on ${host.computerName}. See ${r.LogPath}.`,
      vdir,
    );
    return [{
      ComputerName: host.computerName,
      Component: component,
      InstallerPath: msi.source,
      ExitCode: r.ExitCode,
      RebootRequired: r.RebootRequired,
      VirtualDirectory: vdir,
      InstallPath: app.physicalPath,
      LogPath: r.LogPath,
    }];
  }),
});
