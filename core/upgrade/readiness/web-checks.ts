/**
 * Checks of the web side: the VC++ 2015 runtimes on separate web servers, the SDK URL each portal / mobile app
 * web.config uses against the IIS bindings of the server serving the SDK, and the SDK service account.
 */
import { isIP } from 'node:net';
import type { Host } from '../../host/host';
import type { InstalledProduct } from '../../host/installed-products';
import { listWebApplications, type WebApplication } from '../../host/iis';
import type { ComponentRecord, ServerInventory } from '../../domain/inventory-types';
import { readWebConfigSettings } from '../../webconfig/index';
import { isLinkFailure } from '../../util/errors';
import { row, type ReadinessRow } from '../../domain/readiness-types';
import { showSetting } from '../../util/secrets';
import { LEARN, basis } from '../../domain/learn-sources';

// ───────────── VC++ 2015 ─────────────

/** 2015 Update 1 (14.0.23506); later 2015-2019 / 2015-2022 redistributables replace it (same major version 14). */
const MIN_VC_VERSION = [14, 0, 23506];
const VC_NAME = /Visual C\+\+ 20(15|17|19|22)(-20\d\d)?\s.*Redistributable\s*\((x86|x64)\)/i;

const versionAtLeast = (v: string, min: number[]) => {
  const parts = v.split('.').map((p) => Number.parseInt(p, 10) || 0);
  for (let i = 0; i < min.length; i++) if ((parts[i] ?? 0) !== min[i]) return (parts[i] ?? 0) > min[i];
  return true;
};

const isWebOnly = (inv: ServerInventory) =>
  inv.Components.some((c) => c.IsLegacy && ['UserPortal', 'MobileAppWebService', 'WebServiceSdk'].includes(c.Component)) &&
  !inv.Components.some((c) => c.Component === 'Agent' || c.Component === 'MfaServer');

export function checkVcRuntime(host: Host, inv: ServerInventory, products: InstalledProduct[]): ReadinessRow | undefined {
  if (!isWebOnly(inv)) return undefined;
  // A 32-bit server cannot run the x64 runtime; it needs the x86 one only (inference).
  const wanted = host.is64Bit ? ['x86', 'x64'] : ['x86'];
  const found = new Map<string, string>();
  for (const p of products) {
    const m = VC_NAME.exec(p.displayName);
    if (m && versionAtLeast(p.displayVersion ?? '0', MIN_VC_VERSION)) found.set(m[3].toLowerCase(), `${p.displayName}`);
  }
  const missing = wanted.filter((a) => !found.has(a));
  return row(
    host.computerName,
    'VcRuntime',
    missing.length ? 'Failed' : 'Passed',
    missing.length
      ? `${host.computerName} is a separate web server and lacks the Visual C++ 2015 Update 1 (14.0.23506 or later) redistributable ` +
        `for ${missing.join(' and ')}${found.size ? ` (found: ${[...found.values()].join(', ')})` : ''}.`
      : `Found: ${[...found.values()].join(', ')}.`,
    `Install the Visual C++ 2015 Update 1 (or a later 2015-2022) redistributable for ${missing.join(' and ')} on ${host.computerName} before the upgrade.`,
    basis('From v7 on the web components need the Visual C++ 2015 Update 1 redistributable (x86 and x64); on a separate web server it is installed before ' +
      'them', LEARN.upgradeLatest),
  );
}

// ───────────── SDK URL ─────────────

/** Where an SDK is served: its server, site, bindings and vdir. */
export interface SdkEndpoint {
  host: Host;
  vdir: string;
  app: WebApplication;
}

export async function sdkEndpoints(hosts: Host[], inventories: ServerInventory[]): Promise<SdkEndpoint[]> {
  const out: SdkEndpoint[] = [];
  for (const [i, inv] of inventories.entries()) {
    const sdk = inv.Components.filter((c) => c.Component === 'WebServiceSdk' && c.VirtualDirectory);
    if (sdk.length === 0) continue;
    const apps = await listWebApplications(hosts[i]);
    for (const c of sdk) {
      const app = apps.find(
        (a) =>
          a.applicationPath.replace(/^\//, '').toLowerCase() === c.VirtualDirectory!.toLowerCase() &&
          (!c.SiteName || a.siteName.toLowerCase() === c.SiteName.toLowerCase()),
      );
      if (app) out.push({ host: hosts[i], vdir: c.VirtualDirectory!, app });
    }
  }
  return out;
}

const SDK_BASIS = basis('The SDK URL in the portal\'s web.config uses the host name on the SDK\'s TLS certificate', LEARN.userPortal);

/** One row per portal / mobile app web.config naming an SDK URL. */
export function checkSdkUrl(host: Host, record: ComponentRecord, endpoints: SdkEndpoint[]): ReadinessRow {
  const what = `${record.Component} (${record.WebConfigPath})`;
  const fail = (detail: string, action: string) => row(host.computerName, 'SdkUrl', 'Failed', detail, action, SDK_BASIS);
  let url: URL;
  try {
    url = new URL(record.SdkUrl!);
  } catch {
    return fail(`${what}: the SDK URL '${showSetting('SdkUrl', record.SdkUrl!)}' is not a valid URL.`, `Correct the SDK URL in ${record.WebConfigPath}.`);
  }
  const hostName = url.hostname.replace(/^\[|\]$/g, '');
  // Shown through the secret rule: a URL can carry user:password@ or the SDK password in its query string.
  const shownUrl = showSetting('SdkUrl', url.href);
  if (isIP(hostName)) {
    return fail(
      `${what}: the SDK URL ${shownUrl} uses the IP address ${hostName}. A TLS certificate names host names, so the portal's calls to the SDK fail ` +
        `certificate validation once TLS is checked, and the URL breaks when the address changes.`,
      `Use the host name on the SDK's certificate in the SDK URL of ${record.WebConfigPath} (the upgrade carries the URL into the new web.config).`,
    );
  }
  const vdir = url.pathname.split('/').filter((p) => p !== '')[0] ?? '';
  const endpoint =
    endpoints.find((e) => e.vdir.toLowerCase() === vdir.toLowerCase() && namesServer(e.host, hostName)) ??
    endpoints.find((e) => e.vdir.toLowerCase() === vdir.toLowerCase());
  if (!endpoint) {
    return row(
      host.computerName,
      'SdkUrl',
      'Warning',
      `${what}: the SDK URL ${shownUrl} names /${vdir}, which no server of this run serves; its binding cannot be checked here.`,
      `Check by hand that ${url.host} is bound (IIS Manager, Bindings) on the server serving /${vdir} and that its certificate names ${hostName}, or include ` +
        `that server in the run.`,
      SDK_BASIS,
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  const port = url.port || (scheme === 'https' ? '443' : '80');
  const matching = endpoint.app.bindings.filter((b) => {
    if (b.protocol.toLowerCase() !== scheme) return false;
    const [, bPort, bHost = ''] = b.bindingInformation.split(':');
    return bPort === port && (bHost === '' || bHost.toLowerCase() === hostName.toLowerCase());
  });
  const bound = endpoint.app.bindings.map((b) => `${b.protocol} ${b.bindingInformation}`).join(', ') || 'none';
  if (matching.length === 0) {
    return fail(
      `${what}: the SDK URL ${shownUrl} is not bound on ${endpoint.host.computerName}: site '${endpoint.app.siteName}' has the bindings ${bound}.`,
      `Add a ${scheme} binding for ${hostName}:${port} to site '${endpoint.app.siteName}' on ${endpoint.host.computerName}, or correct the SDK URL ` +
        `in ${record.WebConfigPath}.`,
    );
  }
  const explicit = matching.some((b) => (b.bindingInformation.split(':')[2] ?? '') !== '');
  if (explicit || namesServer(endpoint.host, hostName)) {
    const cert = scheme === 'https' ? ` The certificate bound to port ${port} cannot be read by this tool [?]: check that it names ` +
      `${hostName} (subject or SAN).` : '';
    return row(
      host.computerName,
      'SdkUrl',
      cert ? 'Warning' : 'Passed',
      `${what}: ${shownUrl} matches the binding ${matching.map((b) => b.bindingInformation).join(', ')} of site '${endpoint.app.siteName}' ` +
        `on ${endpoint.host.computerName}.${cert}`,
      cert ? `On ${endpoint.host.computerName}, open IIS Manager > site '${endpoint.app.siteName}' > Bindings > https ${port} > View certificate, and check ` +
        `that it names ${hostName}.` : null,
      SDK_BASIS,
    );
  }
  return row(
    host.computerName,
    'SdkUrl',
    'Warning',
    `${what}: ${shownUrl} reaches site '${endpoint.app.siteName}' on ${endpoint.host.computerName} only through a binding for every host name; ${hostName} ` +
      `is not a name this tool knows for ${endpoint.host.computerName}.`,
    `Check that ${hostName} resolves to ${endpoint.host.computerName} and that the certificate there names it.`,
    SDK_BASIS,
  );
}

function namesServer(host: Host, name: string): boolean {
  const n = name.toLowerCase();
  return n === host.computerName.toLowerCase() || n === (host.dnsName ?? '').toLowerCase() || n === 'localhost';
}

// ───────────── SDK service account ─────────────

export const PHONEFACTOR_ADMINS = 'PhoneFactor Admins';

/** The appSettings key that names the SDK service account in a portal / mobile app web.config. */
export const SDK_USERNAME_KEY = 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME';
const ACCOUNT_BASIS = basis(`The account in ${SDK_USERNAME_KEY} is a member of the "PhoneFactor Admins" group`, LEARN.userPortal);

/** The account names the web.configs use for the SDK (the password is never read into the result). */
export async function sdkAccounts(host: Host, inv: ServerInventory): Promise<{ account: string; file: string }[]> {
  const out: { account: string; file: string }[] = [];
  for (const c of inv.Components.filter((x) => x.WebConfigPath && x.Component !== 'WebServiceSdk')) {
    try {
      const s = readWebConfigSettings({ path: c.WebConfigPath!, bytes: await host.readFile(c.WebConfigPath!) });
      const user = s.appSettings.find((a) => a.key.toUpperCase() === SDK_USERNAME_KEY)?.value?.trim();
      if (user) out.push({ account: user, file: c.WebConfigPath! });
    } catch (e) {
      if (isLinkFailure(e)) throw e;
    }
  }
  return out;
}

export async function checkSdkAccount(host: Host, accountValue: string, file: string, groupHosts: Host[]): Promise<ReadinessRow> {
  // A web.config value, shown through the one secret rule like every other (a user name is no secret; a known secret
  // inside it would be masked). The setting's name and the file's path are names: shown as they are.
  const account = showSetting(SDK_USERNAME_KEY, accountValue);
  const named = `named by ${SDK_USERNAME_KEY} in ${file}`;
  const manual = `Check that the account ${account} exists and is a member of "${PHONEFACTOR_ADMINS}" (on a domain: Get-ADGroupMember ` +
    `'${PHONEFACTOR_ADMINS}' -Recursive; else Get-LocalGroupMember '${PHONEFACTOR_ADMINS}' on the MFA server).`;
  const seen: string[] = [];
  for (const g of groupHosts) {
    let members: string[] | undefined;
    try {
      members = await g.getLocalGroupMembers(PHONEFACTOR_ADMINS);
    } catch (e) {
      if (isLinkFailure(e)) throw e;
      seen.push(`${g.computerName} (the group could not be read: ${(e as Error).message})`);
      continue;
    }
    if (members === undefined) continue;
    if (members.some((m) => m.toLowerCase() === accountValue.toLowerCase())) {
      return row(
        host.computerName,
        'SdkServiceAccount',
        'Passed',
        `${account} (${named}) is a member of the local group "${PHONEFACTOR_ADMINS}" on ${g.computerName}.`,
        null,
        ACCOUNT_BASIS,
      );
    }
    seen.push(`${g.computerName} (members: ${members.join(', ') || 'none'})`);
  }
  const detail = seen.length
    ? `${account} (${named}) is not a direct member of "${PHONEFACTOR_ADMINS}" on ${seen.join('; ')}; a membership through a nested or domain group ` +
      `cannot be seen from here.`
    : `"${PHONEFACTOR_ADMINS}" is no local group of ${groupHosts.map((g) => g.computerName).join(', ') || 'the servers of this run'} (it may be a domain ` +
      `group [?]), so ${account} (${named}) cannot be verified here.`;
  return row(host.computerName, 'SdkServiceAccount', 'Warning', detail, manual, ACCOUNT_BASIS);
}
