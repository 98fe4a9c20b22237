/**
 * Get-MfaSdkConsumer's story: every file on the target servers (and every file the admin names) that calls the Web
 * Service SDK, one entry per reference, with what the planned upgrade does to its URL. The SDK installations of ALL
 * targets are found first, so a consumer on one server is judged against the SDK site of another.
 */
import { readFile } from 'node:fs/promises';
import { wantedVirtualDirectory, oldVirtualDirectory, sameName } from '../domain/plan-web';
import type { VirtualDirectoryNaming } from '../domain/plan-types';
import type { ServerInventory } from '../domain/inventory-types';
import type { Host } from '../host/host';
import { listWebApplications } from '../host/iis';
import { inventoryServer } from '../survey/inventory';
import { CoreError, isCoreError } from '../util/errors';
import { candidateFiles, type CandidateFile } from './consumer-files';
import { parseConfigFile, sdkAccountIn, sdkReferencesIn, sdkReferencesInText } from './sdk-references';
import { urlEffects, type SdkSite } from './url-effects';
import type { SdkConsumer } from './types';

export interface ConsumerRequest {
  /** Extra files (-Path): Windows paths on each target, or files of this machine when there is no target. */
  paths?: string[];
  naming: VirtualDirectoryNaming;
  /**
   * The inventories to judge the SDK's rename by, one per host in order (a re-plan judges by what the run found at its
   * start, before the SDK was renamed); read from the hosts when absent.
   */
  inventories?: ServerInventory[];
}

/** The SDK installations of a host, with the bindings of the site serving each. */
export async function sdkSitesOf(host: Host, naming: VirtualDirectoryNaming, found?: ServerInventory): Promise<SdkSite[]> {
  const inventory = found ?? (await inventoryServer(host));
  const apps = await listWebApplications(host);
  return inventory.Components.filter((c) => c.Component === 'WebServiceSdk').map((c) => ({
    computerName: host.computerName,
    dnsName: host.dnsName ?? inventory.DnsName,
    siteName: c.SiteName ?? '',
    oldVdir: oldVirtualDirectory(c),
    // An SDK already upgraded keeps its name; a PhoneFactor-era one gets the name the plan gives it.
    newVdir: c.IsLegacy ? wantedVirtualDirectory(c, naming) : oldVirtualDirectory(c),
    bindings: apps.find((a) => sameName(a.siteName, c.SiteName))?.bindings ?? [],
  }));
}

interface FileSource {
  computerName: string;
  labPath: string | null;
  read(path: string): Promise<Buffer>;
}

/**
 * The consumers in the candidate files of one source. A discovered file that cannot be read or parsed is a warning (it
 * is someone else's application); a file the admin named that cannot be read is an error naming it.
 */
async function consumersIn(source: FileSource, files: CandidateFile[], sites: SdkSite[], naming: VirtualDirectoryNaming, warn: (m: string) => void) {
  const out: SdkConsumer[] = [];
  for (const file of files) {
    let bytes: Buffer;
    try {
      bytes = await source.read(file.path);
    } catch (e) {
      if (file.kind === 'File') throw e;
      warn(`${source.computerName}: ${file.path} could not be read (${isCoreError(e) ? e.message : String(e)}); its SDK references are not listed.`);
      continue;
    }
    let found;
    try {
      const doc = parseConfigFile(file.path, bytes);
      found = { refs: sdkReferencesIn(doc), account: sdkAccountIn(doc) };
    } catch (e) {
      const notXml = isCoreError(e) && ['WebConfigNotXml', 'WebConfigEmpty'].includes(e.code);
      if (file.kind === 'File' && !notXml) throw e;
      if (file.kind !== 'File') {
        warn(`${source.computerName}: ${file.path} is not well-formed XML (${isCoreError(e) ? e.message : String(e)}); its SDK references are not listed.`);
        continue;
      }
      // A script or text file the admin named: each line's URL.
      found = { refs: sdkReferencesInText(bytes.toString('utf8')), account: undefined };
    }
    for (const ref of found.refs) {
      const judged = urlEffects(ref.url, sites, naming);
      out.push({
        computerName: source.computerName,
        labPath: source.labPath,
        kind: file.kind,
        file: file.path,
        setting: ref.setting,
        url: ref.url,
        newUrl: judged.newUrl,
        effects: judged.effects,
        detail: (file.where ? `${file.where}; ` : '') + judged.detail,
        ...(found.account ? { account: found.account } : {}),
      });
    }
  }
  return out;
}

/**
 * Every SDK consumer of the hosts. `hosts` empty: only request.paths, as files of this machine (then no SDK site is
 * known, and the rename is judged against the default names).
 */
export async function findSdkConsumers(hosts: Host[], request: ConsumerRequest, warn: (m: string) => void = () => undefined): Promise<SdkConsumer[]> {
  const sites: SdkSite[] = [];
  for (const [i, host] of hosts.entries()) sites.push(...(await sdkSitesOf(host, request.naming, request.inventories?.[i])));
  if (hosts.length === 0) {
    const local: FileSource = { computerName: 'localhost', labPath: null, read: (p) => readLocal(p) };
    return consumersIn(local, (request.paths ?? []).map((path) => ({ kind: 'File', path })), sites, request.naming, warn);
  }
  const out: SdkConsumer[] = [];
  for (const host of hosts) {
    const source: FileSource = { computerName: host.address.computerName, labPath: host.address.labPath, read: (p) => host.readFile(p) };
    out.push(...(await consumersIn(source, await candidateFiles(host, request.paths), sites, request.naming, warn)));
  }
  return out;
}

async function readLocal(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot be read (${code ?? String(e)})`;
    throw new CoreError('InvalidParameter', `-Path '${path}' ${why}.`, 'Path');
  }
}
