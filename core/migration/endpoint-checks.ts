/**
 * DNS, TCP 443 and a TLS 1.2 handshake to the cloud's sign-in and Graph hosts, the way the Migration Utility reaches
 * them (webtier's probeTls12). The probe runs where the core runs: on the server for this machine or a lab, but from
 * this machine for a remote server, which may see DNS, routes and proxies differently (then a Warning says so).
 */
import * as os from 'node:os';
import type { Host } from '../host/host';
import { LEARN, basis } from '../domain/learn-sources';
import { row, type MigrationCheckName } from '../domain/readiness-types';
import { probeTls12 } from '../webtier/index';
import type { CloudEndpoints, Endpoint, MigrationCloud } from './endpoints';
import type { MigrationRow } from './server-checks';

const ACTIONS: Record<string, string> = {
  DnsFailed: 'Let the server resolve the name (DNS, or the proxy it must use).',
  Refused: 'Open outbound TCP 443 from the server to this host (firewall, proxy).',
  TimedOut: 'Open outbound TCP 443 from the server to this host (firewall, proxy).',
  Tls12Refused: 'Something between the server and the host does not speak TLS 1.2 (a TLS-inspecting proxy or firewall): let TLS 1.2 through.',
  TlsHandshakeFailed: 'The host and the server agree on no TLS 1.2 cipher suite, or something in between ends the handshake (a proxy): check both.',
  TlsUntrusted: 'Install the issuing root certificate on the server, or bypass the TLS-inspecting proxy for this host.',
  TlsExpired: 'The certificate presented is out of date: check the server\'s clock, or the proxy presenting it.',
  TlsNameMismatch: 'The certificate presented is for another name: something intercepts the connection (a proxy); let it through.',
};

export async function endpointChecks(host: Host, cloud: MigrationCloud, endpoints: CloudEndpoints, timeoutMs: number): Promise<MigrationRow[]> {
  const out: MigrationRow[] = [];
  for (const [check, endpoint, what] of [
    ['SignInEndpoint', endpoints.signIn, 'sign-in'],
    ['GraphEndpoint', endpoints.graph, 'Microsoft Graph'],
  ] as [MigrationCheckName, Endpoint, string][]) {
    const why = basis(`The Migration Utility needs the ${what} endpoint of the cloud (${cloud}: ${endpoint.name}) over TLS 1.2`, LEARN.migration,
      LEARN.tls12, check === 'SignInEndpoint' ? LEARN.nationalClouds : LEARN.graphDeployments);
    const probe = await probeTls12(endpoint.host, endpoint.port, { timeoutMs, trusted: endpoints.trusted });
    const from = host.kind === 'remote' ? ` Probed from ${os.hostname()}, not from ${host.computerName}.` : '';
    if (probe.result !== 'Passed') {
      out.push(row(host.computerName, check, 'Failed', `${probe.result}: ${probe.detail}.${from}`, ACTIONS[probe.result] ?? 'Read the detail.', why));
    } else if (from) {
      out.push(row(host.computerName, check, 'Warning', `${probe.detail}.${from}`,
        `Run Test-MfaMigrationReadiness on ${host.computerName} itself: its own DNS, routes and proxy decide.`, why));
    } else {
      out.push(row(host.computerName, check, 'Passed', `${probe.detail}.`, null, why));
    }
  }
  return out;
}
