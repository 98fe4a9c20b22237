/**
 * What the planned upgrade does to one consumer's SDK URL. The rename rule is the plan's own (domain/plan-web.ts
 * decideSdkUrl: the old vdir segment becomes the new one, scheme, host and port stay); the binding rule is IIS's: a
 * request reaches a site when protocol and port match one of its bindings and the binding's host header is empty or
 * the URL's host. The certificate bound to https is kept by http.sys, not in applicationHost.config, so it is not
 * known from the configuration: Test-MfaWebTier checks the URL's host against the certificate the server presents.
 */
import { isIP } from 'node:net';
import { WEB_COMPONENTS } from '../domain/catalog';
import { decideSdkUrl, sameName } from '../domain/plan-web';
import type { VirtualDirectoryNaming } from '../domain/plan-types';
import type { IisBinding } from '../host/iis';
import type { ConsumerEffect } from './types';

/** A Web Service SDK installation found on one of the target servers, with the site that serves it. */
export interface SdkSite {
  computerName: string;
  dnsName: string;
  siteName: string;
  oldVdir: string;
  newVdir: string;
  bindings: IisBinding[];
}

export interface UrlEffects {
  effects: ConsumerEffect[];
  newUrl: string | null;
  detail: string;
  sdkServer: string | null;
}

const defaultPort = (protocol: string) => (protocol === 'https:' ? '443' : protocol === 'http:' ? '80' : '');

/** IIS's match of a URL to one binding ('ip:port:host'). An IP-specific binding is matched only when the URL names an IP. */
export function bindingServes(binding: IisBinding, url: URL): boolean {
  if (binding.protocol.toLowerCase() + ':' !== url.protocol) return false;
  const m = /^(.*):(\d+):(.*)$/.exec(binding.bindingInformation);
  if (!m) return false;
  const [, ip, port, hostHeader] = m;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (port !== (url.port || defaultPort(url.protocol))) return false;
  if (hostHeader !== '' && !sameName(hostHeader, host)) return false;
  if (ip !== '*' && ip !== '' && isIP(host) && ip.replace(/^\[|\]$/g, '') !== host) return false;
  return true;
}

/** The SDK installation a URL names: by its host (DNS or computer name), else the only one known. */
function sdkFor(url: URL, sites: SdkSite[]): SdkSite | undefined {
  const host = url.hostname;
  const byHost = sites.find((s) => sameName(host, s.dnsName) || sameName(host.split('.')[0], s.computerName));
  return byHost ?? (sites.length === 1 ? sites[0] : undefined);
}

export function urlEffects(text: string, sites: SdkSite[], naming: VirtualDirectoryNaming): UrlEffects {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { effects: ['Unchanged'], newUrl: null, detail: 'not an absolute URL: check it by hand.', sdkServer: null };
  }
  const effects: ConsumerEffect[] = [];
  const notes: string[] = [];
  const sdk = sdkFor(url, sites);
  const sdkVdir = WEB_COMPONENTS.WebServiceSdk;
  // Without the SDK's server among the targets, the SDK is assumed to keep the default names (an inference, said so).
  const legacy = sdkVdir.legacyVirtualDirectory;
  const assumed = { computerName: url.hostname, dnsName: url.hostname, oldVdir: legacy, newVdir: naming === 'New' ? sdkVdir.newVirtualDirectory : legacy };
  const decision = decideSdkUrl(text, [sdk ?? assumed]);
  let newUrl: string | null = null;
  if (decision.kind === 'Rewrite') {
    effects.push('BrokenByRename');
    newUrl = decision.url;
    notes.push(`the SDK's virtual directory becomes /${new URL(decision.url).pathname.split('/')[1] ?? ''}`);
  } else if (decision.kind === 'Unmatched') {
    notes.push(decision.reason);
  }
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) {
    effects.push('IpAddress');
    notes.push('an IP address never matches the name on the SDK certificate (use the name on the certificate)');
  }
  if (sdk) {
    notes.push(`served by ${sdk.computerName}, site '${sdk.siteName}'`);
    if (!sdk.bindings.some((b) => bindingServes(b, url))) {
      effects.push('HostNotBound');
      const bound = sdk.bindings.map((b) => `${b.protocol} ${b.bindingInformation}`).join(', ') || 'none';
      notes.push(`${url.protocol}//${url.host} is not a binding of that site (${bound})`);
    }
  } else {
    notes.push('the SDK\'s server is not among the targets: inferred that it takes the default names; its bindings are unknown');
  }
  notes.push('certificate of the binding unknown from the configuration (Test-MfaWebTier checks it)');
  return { effects: effects.length > 0 ? effects : ['Unchanged'], newUrl, detail: notes.join('; ') + '.', sdkServer: sdk?.computerName ?? null };
}
