/**
 * Test-MfaWebTier's story: every endpoint of the targets probed (endpoints.ts → probe.ts), at most a few at once,
 * in the order found. Probes run from the machine running the core (see README: the consumer's own view may differ).
 */
import type { Host } from '../host/host';
import { mapSettled } from '../util/pool';
import { webTierEndpoints, type Endpoint } from './endpoints';
import { probeEndpoint, type ProbeOptions, type ProbeOutcome } from './probe';

export interface WebTierRequest {
  paths?: string[];
  urls?: string[];
  options: ProbeOptions;
}

export type WebTierCheck = Endpoint & { outcome: ProbeOutcome };

const PARALLEL_PROBES = 4;

export async function testWebTier(hosts: Host[], request: WebTierRequest, warn: (m: string) => void = () => undefined): Promise<WebTierCheck[]> {
  const endpoints = await webTierEndpoints(hosts, request, warn);
  const outcomes = await mapSettled(endpoints, PARALLEL_PROBES, (e) => probeEndpoint(e.url, e.role, e.account, request.options));
  return endpoints.map((e, i) => {
    const o = outcomes[i];
    if (!o.ok) throw o.error;
    return { ...e, outcome: o.value };
  });
}
