/**
 * Federated domains and their federation settings: where Entra sends MFA for their users. Shapes: Microsoft Learn
 * "domain resource type" (authenticationType Managed / Federated) and "List internalDomainFederations"
 * (/domains/{id}/federationConfiguration: a collection of internalDomainFederation, M5).
 */
import type { GraphReader } from './graph-reader';
import type { Domain, InternalDomainFederation } from './graph-types';

export interface FederatedDomain {
  domain: Domain;
  federation: InternalDomainFederation[];
}

export async function readFederatedDomains(reader: GraphReader): Promise<FederatedDomain[]> {
  const domains = await reader.list<Domain>('domains?$select=id,authenticationType,isVerified');
  const federated = domains.filter((d) => (d.authenticationType ?? '').toLowerCase() === 'federated');
  const out: FederatedDomain[] = [];
  for (const domain of federated) {
    out.push({ domain, federation: await reader.list<InternalDomainFederation>(`domains/${encodeURIComponent(domain.id)}/federationConfiguration`) });
  }
  return out;
}

/** M5's federatedIdpMfaBehavior values and what each means for leaving MFA Server (M1: the cut-over sets rejectMfaByFederatedIdp). */
export const MFA_BEHAVIOR_MEANING: Record<string, { result: 'Passed' | 'Warning'; meaning: string; action: string | null }> = {
  enforceMfaByFederatedIdp: {
    result: 'Warning',
    meaning: 'Entra sends MFA to the federation server (AD FS, where MFA Server answers) for users outside Staged Rollout: the cut-over has not happened',
    action: 'When every user is migrated and no dependency needs MFA Server, set federatedIdpMfaBehavior to rejectMfaByFederatedIdp (takes up to 24 h; ' +
      'Export-MfaTenantState first, so a rollback knows what to put back).',
  },
  acceptIfMfaDoneByFederatedIdp: {
    result: 'Warning',
    meaning: 'Entra accepts MFA done by the federation server and does MFA itself otherwise: users AD FS does not prompt already get Entra MFA, ' +
      'migrated or not',
    action: 'Make sure users reaching Entra MFA have their methods migrated; at the cut-over set rejectMfaByFederatedIdp.',
  },
  rejectMfaByFederatedIdp: {
    result: 'Passed',
    meaning: 'Entra always does MFA itself and rejects MFA done by the federation server: the cut-over is done for this domain',
    action: null,
  },
};
