/**
 * Which way the core reads Microsoft Graph, decided once per command:
 * - `-AccessToken`: the token came in the request on stdin (never argv, environment or a file); it is registered with
 *   the secret rule at once, so any echo of it (an error body that repeats a header) is masked, and it lives in this
 *   process only for the call. It is sent to the chosen cloud's Graph host and nowhere else.
 * - otherwise the caller's connected Graph session (Connect-MgGraph), brokered through the module's transport
 *   (graph-broker.ts): the core never sees a token. Its cloud is the session's (Get-MgContext's Environment); a -Cloud
 *   that differs is refused rather than sending the session's requests to another cloud's host.
 *
 * The base address is a setting only in the TEST build of the module (core/util/test-hooks.ts): MFA_TEST_GRAPH_BASE_URL
 * points the -AccessToken reader at a loopback mock Graph, and is honoured only for a 127.0.0.0/8 or [::1] address.
 * The shipped module has no such setting at all (esbuild removes the code): an environment variable that a login
 * script, a GPO or another user's tampering could set would otherwise redirect an admin's token to whoever listens
 * there, even on loopback (any local user can listen on a loopback port of a shared server).
 */
import { CoreError } from '../util/errors';
import { redactor } from '../util/secrets';
import { graphBase, isGraphCloud, isLoopbackAddress, type GraphCloud } from './clouds';
import { activeGraphBroker, brokeredTransport, type GraphContext } from './graph-broker';
import { GraphReader } from './graph-reader';
import { tokenTransport } from './graph-transport';

export interface TenantConnection {
  cloud?: GraphCloud;
  accessToken?: string;
}

export interface OpenedGraph {
  reader: GraphReader;
  cloud: GraphCloud;
  via: 'AccessToken' | 'Brokered';
  /** The caller's Graph session (brokered only): its scopes help explain a 403. */
  context: GraphContext | null;
}

export async function openGraph(connection: TenantConnection, log: (message: string) => void): Promise<OpenedGraph> {
  let sleep: ((ms: number) => Promise<void>) | undefined;
  if (globalThis.__MFA_TEST_HOOKS__) {
    // Throttling waits are logged as usual but not slept: module tests stay free of real time.
    if (process.env.MFA_TEST_GRAPH_NO_WAIT === '1') sleep = () => Promise.resolve();
  }
  if (connection.accessToken !== undefined) {
    const token = accessToken(connection.accessToken);
    redactor.register(token);
    const cloud = connection.cloud ?? 'Global';
    let base = graphBase(cloud);
    if (globalThis.__MFA_TEST_HOOKS__) {
      const given = process.env.MFA_TEST_GRAPH_BASE_URL;
      if (given) base = loopbackBase(given);
    }
    log(`Reading Microsoft Graph at ${base.href} with the access token given (-AccessToken).`);
    return { reader: new GraphReader(tokenTransport(token, base), base, { log, sleep }), cloud, via: 'AccessToken', context: null };
  }
  const broker = activeGraphBroker();
  if (!broker) throw notConnected('this core was not started by the module (no PowerShell to ask)');
  const context = await broker.context();
  if (!context.connected) throw notConnected(context.reason ?? 'Get-MgContext returned nothing');
  const sessionCloud = context.environment && isGraphCloud(context.environment) ? context.environment : undefined;
  if (context.environment && !sessionCloud) {
    throw new CoreError('GraphCloudMismatch', `The connected Graph session is for the environment '${context.environment}', which is none of Global, USGov, ` +
      'USGovDoD, China: connect to one of those.', 'Cloud');
  }
  if (connection.cloud && sessionCloud && connection.cloud !== sessionCloud) {
    throw new CoreError('GraphCloudMismatch', `-Cloud ${connection.cloud} was given, but the connected Graph session (Get-MgContext) is for ${sessionCloud}: ` +
      `leave -Cloud out, or run Connect-MgGraph -Environment ${connection.cloud}.`, 'Cloud');
  }
  const cloud = connection.cloud ?? sessionCloud ?? 'Global';
  const base = graphBase(cloud);
  log(`Reading Microsoft Graph at ${base.href} through the connected Graph session of this PowerShell (${context.account ?? 'account not named'}).`);
  return { reader: new GraphReader(brokeredTransport(broker), base, { log, sleep }), cloud, via: 'Brokered', context };
}

/** The token as sent: a leading "Bearer " (pasted with it) dropped; characters no token has are refused without showing it. */
function accessToken(given: string): string {
  const token = given.trim().replace(/^Bearer\s+/i, '');
  if (!/^[\x21-\x7e]+$/.test(token)) {
    throw new CoreError('InvalidParameter', '-AccessToken holds characters no access token has (blanks, line breaks or non-ASCII): give the token alone.',
      'AccessToken');
  }
  return token;
}

function notConnected(why: string): CoreError {
  return new CoreError(
    'GraphNotConnected',
    `No Microsoft Graph session to read the tenant with (${why}). Run Connect-MgGraph -Scopes (the read scopes in the README) first, or give -AccessToken.`,
    'AccessToken',
  );
}

/** The test build's base address: loopback only, else refused (never a silent fall back to the real cloud). */
function loopbackBase(given: string): URL {
  let url: URL | null;
  try {
    url = new URL(given.endsWith('/') ? given : `${given}/`);
  } catch {
    url = null;
  }
  if (!url || !isLoopbackAddress(url) || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CoreError('GraphAddressRefused', `MFA_TEST_GRAPH_BASE_URL '${given}' is not a loopback address (127.x.x.x or [::1]): refused.`,
      'MFA_TEST_GRAPH_BASE_URL');
  }
  return new URL('v1.0/', url);
}
