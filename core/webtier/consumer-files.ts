/**
 * Which files of a server may name the Web Service SDK, and of which kind:
 * - WebConfig: the web.config of every application of every IIS site (applicationHost.config), not only ours;
 * - AdfsAdapter: `MultiFactorAuthenticationAdfsAdapter.config` (its nodes UseWebServiceSdk, WebServiceSdkUrl,
 *   WebServiceSdkUsername, WebServiceSdkPassword: S9). That it sits in the folder named by the product key's
 *   InstallPath (which S9 documents on AD FS servers, `C:\Program Files\Multifactor Authentication Server\`) or in the
 *   default install folders is an INFERENCE: no public source gives the file's full path;
 * - MimSettings: MIM's `MfaSettings.xml` in `C:\Program Files\Microsoft Forefront Identity Manager\2010\Service` (M6
 *   gives this path; MIM installed elsewhere is found only with -Path);
 * - File: what the admin names with -Path.
 */
import { DEFAULT_LEGACY_INSTALL_PATH, DEFAULT_NEW_INSTALL_PATH } from '../domain/catalog';
import type { Host } from '../host/host';
import { listWebApplications } from '../host/iis';
import { readInstallPath } from '../survey/inventory';
import { joinWindowsPath } from '../util/windows-path';
import type { ConsumerKind } from './types';

export const ADFS_ADAPTER_CONFIG = 'MultiFactorAuthenticationAdfsAdapter.config';
export const MIM_SETTINGS_FILE = 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\MfaSettings.xml';
/** S9 writes the folder 'Multifactor Authentication Server'; Windows compares names case-insensitively, so this is the same folder. */
const ADFS_FOLDERS = [DEFAULT_NEW_INSTALL_PATH, DEFAULT_LEGACY_INSTALL_PATH];

export interface CandidateFile {
  kind: ConsumerKind;
  path: string;
  /** For web.configs: the IIS site and application it belongs to. */
  where?: string;
}

/** Every candidate file of a host that exists, each path once (case-insensitively), web.configs first. */
export async function candidateFiles(host: Host, extra: string[] = []): Promise<CandidateFile[]> {
  const out: CandidateFile[] = [];
  for (const app of await listWebApplications(host)) {
    out.push({ kind: 'WebConfig', path: joinWindowsPath(app.physicalPath, 'web.config'), where: `site '${app.siteName}', application ${app.applicationPath}` });
  }
  const installPath = await readInstallPath(host);
  for (const folder of [...(installPath ? [installPath] : []), ...ADFS_FOLDERS]) {
    out.push({ kind: 'AdfsAdapter', path: joinWindowsPath(folder, ADFS_ADAPTER_CONFIG) });
  }
  out.push({ kind: 'MimSettings', path: MIM_SETTINGS_FILE });
  for (const path of extra) out.push({ kind: 'File', path });
  const seen = new Set<string>();
  const existing: CandidateFile[] = [];
  for (const c of out) {
    const key = c.path.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    // A -Path file that is missing is the admin's mistake and is reported when read; the others are optional.
    if (c.kind === 'File' || (await host.stat(c.path))?.isDirectory === false) existing.push(c);
  }
  return existing;
}
