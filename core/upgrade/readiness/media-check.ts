/**
 * The installer media: the MFA Server setup on the media server, and for every web component of every server in the
 * run, the MSI of THAT server's bitness (both bitnesses ship: facts §1 step 10), each read with our MSI reader and
 * recognised as the right product for the right platform before anything is uninstalled.
 */
import type { Host } from '../../host/host';
import type { ServerInventory } from '../../domain/inventory-types';
import { WEB_COMPONENTS, type WebComponentName } from '../../domain/catalog';
import { readMsi } from '../../msi/reader';
import { selectComponentInstaller } from '../../msi/select';
import { inspectServerSetup } from '../installers';
import { isLinkFailure } from '../../util/errors';
import { row, type ReadinessRow } from '../../domain/readiness-types';
import { LEARN, basis } from '../../domain/learn-sources';

const BASIS = basis('The server setup is run on the MFA server; the component MSIs ship in 32- and 64-bit in its install folder', LEARN.upgradePhoneFactor);

export interface MediaNeed {
  file: string;
  component: WebComponentName;
  is64Bit: boolean;
  servers: string[];
}

/** Which component MSIs the run needs: one per legacy web component, in the bitness of the server it goes to. */
export function neededMsis(servers: ServerInventory[]): MediaNeed[] {
  const needs = new Map<string, MediaNeed>();
  for (const s of servers) {
    for (const c of s.Components.filter((x) => x.IsLegacy && x.Component in WEB_COMPONENTS)) {
      const component = c.Component as WebComponentName;
      const file = WEB_COMPONENTS[component].msiFileName(s.Is64Bit ? 64 : 32);
      const need = needs.get(file) ?? { file, component, is64Bit: s.Is64Bit, servers: [] };
      if (!need.servers.includes(s.ComputerName)) need.servers.push(s.ComputerName);
      needs.set(file, need);
    }
  }
  return [...needs.values()];
}

export async function checkInstallerMedia(mediaHost: Host, installerPath: string | undefined, servers: ServerInventory[]): Promise<ReadinessRow> {
  const name = mediaHost.computerName;
  if (installerPath === undefined) {
    return row(
      name,
      'InstallerMedia',
      'Warning',
      'Not checked: no -InstallerPath was given.',
      'Run again with -InstallerPath <the folder holding MultiFactorAuthenticationServerSetup.exe and the component MSIs>.',
      BASIS,
    );
  }
  const folder = installerPath.replace(/[\\/]+$/, '');
  if (!(await mediaHost.stat(folder))?.isDirectory) {
    return row(
      name,
      'InstallerMedia',
      'Failed',
      `The media folder ${installerPath} does not exist on ${name}.`,
      `Copy the MFA Server media to ${installerPath} on ${name}, or give the folder that holds them.`,
      BASIS,
    );
  }
  const problems: string[] = [];
  const found: string[] = [];
  try {
    const setup = await inspectServerSetup(mediaHost, folder);
    found.push(`${setup.path.split('\\').pop()}${setup.version ? ` ${setup.version}` : ' (a bootstrapper: version not readable [?])'}`);
  } catch (e) {
    if (isLinkFailure(e)) throw e;
    problems.push((e as Error).message);
  }
  for (const need of neededMsis(servers)) {
    const path = `${folder}\\${need.file}`;
    const stat = await mediaHost.stat(path);
    if (!stat || stat.isDirectory) {
      problems.push(`${need.file} (for ${need.servers.join(', ')}, ${need.is64Bit ? '64' : '32'}-bit) is missing.`);
      continue;
    }
    try {
      const info = readMsi(await mediaHost.readFile(path), path);
      selectComponentInstaller([info], need.component, need.is64Bit);
      found.push(`${need.file} ${info.productVersion ?? ''}`.trim());
    } catch (e) {
      if (isLinkFailure(e)) throw e;
      problems.push(`${need.file}: ${(e as Error).message}`);
    }
  }
  if (problems.length > 0) {
    return row(
      name,
      'InstallerMedia',
      'Failed',
      `The media in ${installerPath} are incomplete or wrong: ${problems.join(' ')}`,
      `Put the complete MFA Server media (the setup and both 32- and 64-bit component MSIs of the same version) in ${installerPath} on ${name}.`,
      BASIS,
    );
  }
  return row(name, 'InstallerMedia', 'Passed', `Present and readable in ${installerPath}: ${found.join(', ')}.`, null, BASIS);
}
