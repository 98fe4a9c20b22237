/**
 * How a web-tier probe (webtier/test-webtier.ts) is told in the upgrade's own records: one line per endpoint for a
 * readiness row (before), a verification check (after, Test-MfaServerUpgrade -WebTier) and the report's table.
 */
import type { WebTierCheck } from '../webtier/index';
import { LEARN, basis } from '../domain/learn-sources';
import { showSetting } from '../util/secrets';
import type { WebTierRow } from '../domain/readiness-types';

export const WEB_TIER_BASIS = basis(
  'To check the web tier, browse to PfWsSdk.asmx (it asks for credentials) and call TestPfWsSdkConnection on the mobile app web service; the SDK URL\'s ' +
    'host must be the name on the SDK certificate, never an IP address',
  LEARN.userPortal,
);

/** What the report and the run folder keep of one endpoint's probe (every text through the secret rule). */
export function webTierRow(c: WebTierCheck): WebTierRow {
  return {
    ComputerName: c.computerName,
    Role: c.role,
    Url: showSetting('Url', c.url),
    Source: c.source,
    Result: c.outcome.result,
    Problems: c.outcome.problems,
    Detail: showSetting('Detail', c.outcome.detail),
  };
}

/** One line about an endpoint's probe. */
export function webTierDetail(c: WebTierCheck): string {
  const r = webTierRow(c);
  return `${r.Role} ${r.Url} (${r.Source}): ${r.Result}. ${r.Detail}`;
}
