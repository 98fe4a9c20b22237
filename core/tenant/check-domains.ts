/** Each federated domain's federatedIdpMfaBehavior and what it means for the cut-over (domains.ts; M1, M5). */
import type { GraphReader } from './graph-reader';
import { BASIS, row, unreadable, type TenantReadinessRow } from './readiness-row';
import { MFA_BEHAVIOR_MEANING, readFederatedDomains, type FederatedDomain } from './domains';

export async function checkDomains(reader: GraphReader): Promise<TenantReadinessRow[]> {
  let domains: FederatedDomain[];
  try {
    domains = await readFederatedDomains(reader);
  } catch (e) {
    return [unreadable('FederatedDomain', 'domains', 'the domains and their federation settings', 'Domain.Read.All', e)];
  }
  if (domains.length === 0) {
    return [row('FederatedDomain', '(none)', 'Passed', 'No federated domain: Entra does not send MFA to a federation server, so no domain setting changes at ' +
      'the cut-over.', null, BASIS.domainFederation)];
  }
  return domains.flatMap(({ domain, federation }) => {
    if (federation.length === 0) {
      return [row('FederatedDomain', domain.id, 'Warning', 'Federated, but Graph lists no federation configuration for it.',
        'Check the domain in the admin center.',
        BASIS.domainFederation)];
    }
    return federation.map((f) => {
      const value = f.federatedIdpMfaBehavior ?? null;
      const basis = `${BASIS.domainFederation}; ${BASIS.migrationUtility} ("Update domain federation settings")`;
      if (value === null) {
        return row('FederatedDomain', domain.id, 'Warning',
          'federatedIdpMfaBehavior was never set: Entra still honours the legacy SupportsMfa flag (not readable ' +
          'through Graph v1.0), or, if that is not set either, behaves as acceptIfMfaDoneByFederatedIdp.',
          'Find out SupportsMfa (Get-MgDomainFederationConfiguration shows only the new property); at the cut-over set rejectMfaByFederatedIdp.', basis);
      }
      const known = MFA_BEHAVIOR_MEANING[value];
      if (!known) return row('FederatedDomain', domain.id, 'Warning', `federatedIdpMfaBehavior is '${value}', a value M5 does not describe.`, 'Check it.',
        basis);
      return row('FederatedDomain', domain.id, known.result, `federatedIdpMfaBehavior is ${value}: ${known.meaning}.`, known.action, basis);
    });
  });
}
