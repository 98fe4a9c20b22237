/**
 * What Test-MfaWebTier probes: the SDK URL of every consumer (with the service account of the same file, when it has
 * one), the SDK, portal and mobile app web service that IIS serves on each target (their own URLs, from the site's
 * https binding and the server's DNS name), and the URLs the admin gives. Each URL and role once.
 */
import { WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import type { Host } from '../host/host';
import { listWebApplications, type IisBinding } from '../host/iis';
import { sameName } from '../domain/plan-web';
import { inventoryServer } from '../survey/inventory';
import { findSdkConsumers } from './consumers';
import type { EndpointRole } from './probe';
import type { SdkAccount } from './types';

export interface Endpoint {
  computerName: string;
  labPath: string | null;
  role: EndpointRole;
  url: string;
  /** Where the URL comes from: a consumer's file and setting, IIS, or -Url. */
  source: string;
  account?: SdkAccount;
}

const FILE_OF: Record<WebComponentName, { role: EndpointRole; file: string }> = {
  WebServiceSdk: { role: 'Sdk', file: 'PfWsSdk.asmx' },
  MobileAppWebService: { role: 'MobileApp', file: 'PfPaWs.asmx' },
  UserPortal: { role: 'Portal', file: '' },
};

/** The role of a URL the admin gives, by the page it names. */
export function roleOfUrl(url: string): EndpointRole {
  if (/PfWsSdk\.asmx/i.test(url)) return 'Sdk';
  if (/PfPaWs\.asmx/i.test(url)) return 'MobileApp';
  return 'Portal';
}

/** The origin clients use for a site: https on its https binding's port (a host header wins over the server's name). */
function originOf(bindings: IisBinding[], dnsName: string): string | undefined {
  for (const protocol of ['https', 'http']) {
    const b = bindings.find((x) => x.protocol.toLowerCase() === protocol);
    const m = b && /^(.*):(\d+):(.*)$/.exec(b.bindingInformation);
    if (!m) continue;
    const port = m[2] === (protocol === 'https' ? '443' : '80') ? '' : `:${m[2]}`;
    return `${protocol}://${m[3] || dnsName}${port}`;
  }
  return undefined;
}

async function servedEndpoints(host: Host): Promise<Endpoint[]> {
  const inventory = await inventoryServer(host);
  const apps = await listWebApplications(host);
  const out: Endpoint[] = [];
  for (const c of inventory.Components) {
    const kind = FILE_OF[c.Component as WebComponentName];
    if (!kind || !(c.Component in WEB_COMPONENTS)) continue;
    const origin = originOf(apps.find((a) => sameName(a.siteName, c.SiteName))?.bindings ?? [], host.dnsName ?? inventory.DnsName);
    if (!origin) continue;
    const vdir = (c.VirtualDirectory ?? '').replace(/^\/+|\/+$/g, '');
    out.push({ ...identity(host), role: kind.role, url: `${origin}/${vdir}/${kind.file}`, source: `IIS: ${c.Component} in site '${c.SiteName ?? ''}'` });
  }
  return out;
}

const identity = (host: Host) => ({ computerName: host.address.computerName, labPath: host.address.labPath });

export async function webTierEndpoints(hosts: Host[], request: { paths?: string[]; urls?: string[] }, warn: (m: string) => void): Promise<Endpoint[]> {
  const all: Endpoint[] = [];
  if (hosts.length > 0 || request.paths) {
    for (const c of await findSdkConsumers(hosts, { paths: request.paths, naming: 'Legacy' }, warn)) {
      all.push({
        computerName: c.computerName,
        labPath: c.labPath,
        role: 'Sdk',
        url: c.url,
        source: `${c.kind} ${c.file} (${c.setting})`,
        ...(c.account ? { account: c.account } : {}),
      });
    }
  }
  for (const host of hosts) all.push(...(await servedEndpoints(host)));
  for (const url of request.urls ?? []) all.push({ computerName: 'localhost', labPath: null, role: roleOfUrl(url), url, source: '-Url' });
  // Each URL, role and account once; a URL probed with an account need not be probed again without one.
  const key = (e: Endpoint) => `${e.role}|${e.url.toLowerCase()}|${e.account?.username.toLowerCase() ?? ''}`;
  const withAccount = new Set(all.filter((e) => e.account).map((e) => `${e.role}|${e.url.toLowerCase()}`));
  const seen = new Set<string>();
  return all.filter((e) => {
    if (!e.account && withAccount.has(`${e.role}|${e.url.toLowerCase()}`)) return false;
    if (seen.has(key(e))) return false;
    seen.add(key(e));
    return true;
  });
}
