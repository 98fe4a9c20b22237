/**
 * The endpoints the Migration Utility calls, per cloud. M1: it needs https://login.microsoftonline.com/* and
 * https://graph.microsoft.com/*, and for US Government the script is edited to the .us hosts. The sign-in hosts of each
 * national cloud are those of Microsoft Learn's "National clouds" page; the Graph hosts are the tenant reader's
 * (core/tenant/clouds.ts). That the Utility works against the China cloud at all is not stated anywhere [inference].
 *
 * The addresses are a setting only in the TEST build (core/util/test-hooks.ts): MFA_TEST_SIGNIN_ENDPOINT and
 * MFA_TEST_GRAPH_ENDPOINT (https://127.0.0.1:<port>) point the probes at loopback servers a test starts, and
 * MFA_TEST_ENDPOINT_CA names the PEM of the CA that signed their certificates. They are honoured only for a loopback
 * address, as MFA_TEST_GRAPH_BASE_URL is (core/tenant/open-reader.ts); the shipped module has no such setting at all.
 */
import { readFileSync } from 'node:fs';
import { GRAPH_CLOUDS, isLoopbackAddress } from '../tenant/clouds';
import { CoreError } from '../util/errors';

export const MIGRATION_CLOUDS = ['Global', 'USGov', 'China'] as const;
export type MigrationCloud = (typeof MIGRATION_CLOUDS)[number];

const SIGN_IN_HOSTS: Record<MigrationCloud, string> = {
  Global: 'login.microsoftonline.com',
  USGov: 'login.microsoftonline.us',
  China: 'login.chinacloudapi.cn',
};

export interface Endpoint {
  /** What the admin reads: the host (and port when not 443). */
  name: string;
  host: string;
  port: number;
}

export interface CloudEndpoints {
  signIn: Endpoint;
  graph: Endpoint;
  /** Extra trusted roots (PEM): only in the test build, for the loopback servers' CA. */
  trusted: string[];
}

function endpoint(host: string, port = 443): Endpoint {
  return { name: port === 443 ? host : `${host}:${port}`, host, port };
}

export function cloudEndpoints(cloud: MigrationCloud): CloudEndpoints {
  const out: CloudEndpoints = { signIn: endpoint(SIGN_IN_HOSTS[cloud]), graph: endpoint(new URL(GRAPH_CLOUDS[cloud]).hostname), trusted: [] };
  if (globalThis.__MFA_TEST_HOOKS__) {
    const signIn = process.env.MFA_TEST_SIGNIN_ENDPOINT;
    const graph = process.env.MFA_TEST_GRAPH_ENDPOINT;
    const ca = process.env.MFA_TEST_ENDPOINT_CA;
    if (signIn) out.signIn = loopbackEndpoint(signIn, 'MFA_TEST_SIGNIN_ENDPOINT');
    if (graph) out.graph = loopbackEndpoint(graph, 'MFA_TEST_GRAPH_ENDPOINT');
    if (ca) out.trusted = [readFileSync(ca, 'utf8')];
  }
  return out;
}

/** The test build's address: loopback only, else refused (never a silent fall back to the real cloud). */
function loopbackEndpoint(given: string, setting: string): Endpoint {
  let url: URL | null;
  try {
    url = new URL(given);
  } catch {
    url = null;
  }
  if (!url || url.protocol !== 'https:' || !isLoopbackAddress(url)) {
    throw new CoreError('EndpointAddressRefused', `${setting} '${given}' is not an https loopback address (127.x.x.x or [::1]): refused.`, setting);
  }
  return endpoint(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port || 443));
}
