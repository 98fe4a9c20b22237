/**
 * The web tier as it answers now (Test-MfaWebTier's probes, opt-in with -WebTier): one row per SDK, portal and mobile app
 * endpoint the servers serve or their consumers use. Before the upgrade these are the OLD endpoints: a failure found
 * here is not the upgrade's doing, so it is a Warning (never a reason to stop), and the same probe after the upgrade
 * (Test-MfaServerUpgrade -WebTier, the report) is judged against it.
 */
import type { Host } from '../../host/host';
import { testWebTier, type ProbeOptions } from '../../webtier/index';
import { row, type ReadinessRow } from '../../domain/readiness-types';
import { WEB_TIER_BASIS, webTierDetail } from '../webtier-results';

export async function checkWebTier(hosts: Host[], options: ProbeOptions, warn: (m: string) => void): Promise<ReadinessRow[]> {
  const checks = await testWebTier(hosts, { options }, warn);
  return checks.map((c) =>
    row(
      c.computerName,
      'WebTier',
      c.outcome.result === 'Passed' ? 'Passed' : 'Warning',
      webTierDetail(c),
      `It fails before the upgrade: fix it first (Test-MfaWebTier names the class: ${c.outcome.problems.join(', ')}), or expect the same failure after.`,
      WEB_TIER_BASIS,
    ),
  );
}
