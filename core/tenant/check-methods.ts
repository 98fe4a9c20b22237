/**
 * Are the methods the Migration Utility writes enabled in the Authentication methods policy? M1: "Users can't try their
 * newly migrated MFA methods unless they're enabled." What the Utility writes (M1's sync table and method codes): phone
 * numbers (MFA phone, alternate phone, office phone: codes 0, 2, 3; SMS 5 uses the MFA phone), Microsoft Authenticator
 * devices (6), software OATH tokens for matched app devices and hardware OATH tokens (7).
 * The policy's state decides alone only once its migration is complete: before that the legacy MFA and SSPR policies
 * (not readable through Graph) still apply beside it (authenticationMethodsPolicy.policyMigrationState), so a method
 * disabled here is a Warning then, a Failure after.
 */
import type { GraphReader } from './graph-reader';
import type { AuthenticationMethodConfiguration, AuthenticationMethodsPolicy } from './graph-types';
import { BASIS, row, unreadable, type TenantReadinessRow } from './readiness-row';

/** Configuration id in the policy → what the Utility writes with it (M1 codes). */
export const MIGRATED_METHODS: { id: string; writes: string }[] = [
  { id: 'Voice', writes: 'phone calls to the MFA, alternate and office phones (codes 0, 2, 3)' },
  { id: 'Sms', writes: 'text messages to the MFA phone (code 5)' },
  { id: 'MicrosoftAuthenticator', writes: 'Microsoft Authenticator devices, push notifications (code 6)' },
  { id: 'SoftwareOath', writes: 'software OATH tokens for migrated app devices (code 7)' },
  { id: 'HardwareOath', writes: 'hardware OATH tokens (code 7)' },
];

const SCOPE = 'Policy.Read.AuthenticationMethod';

export async function checkMethods(reader: GraphReader): Promise<TenantReadinessRow[]> {
  let policy: AuthenticationMethodsPolicy;
  try {
    policy = await reader.get<AuthenticationMethodsPolicy>('policies/authenticationMethodsPolicy');
  } catch (e) {
    return [unreadable('AuthenticationMethod', 'authenticationMethodsPolicy', 'the Authentication methods policy', SCOPE, e)];
  }
  const state = policy.policyMigrationState ?? 'not stated';
  const complete = state === 'migrationComplete';
  const configs = policy.authenticationMethodConfigurations ?? [];
  const rows = MIGRATED_METHODS.map((m) => methodRow(m, configs.find((c) => (c.id ?? '').toLowerCase() === m.id.toLowerCase()), complete, state));
  const voice = configs.find((c) => (c.id ?? '').toLowerCase() === 'voice');
  if (voice?.state === 'enabled') rows.push(officePhoneRow(voice));
  return rows;
}

function methodRow(method: { id: string; writes: string }, config: AuthenticationMethodConfiguration | undefined, complete: boolean,
  state: string): TenantReadinessRow {
  const basis = `${BASIS.migrationUtility}; ${BASIS.methodsPolicy}`;
  const enable = `Enable ${method.id} in Entra admin center > Protection > Authentication methods > Policies (for the users being migrated).`;
  if (!config) {
    return row('AuthenticationMethod', method.id, 'Warning', `${method.id} is not listed in the Authentication methods policy (v1.0); the Utility writes ` +
      `${method.writes}.`, `Check ${method.id} in the admin center; it may be governed by the legacy MFA settings.`, `${basis}; Inference: an unlisted method`);
  }
  if (config.state !== 'enabled') {
    const legacy = complete ? '' : ` The policy's migration state is '${state}': the legacy MFA and SSPR policies still apply beside it and may ` +
      'allow it; they ' +
      'cannot be read through Graph.';
    return row('AuthenticationMethod', method.id, complete ? 'Failed' : 'Warning',
      `${method.id} is ${config.state ?? 'not enabled'} in the Authentication methods policy: users cannot use the ${method.writes} the ` +
        `Utility writes.${legacy}`,
      enable, basis);
  }
  const targets = (config.includeTargets ?? []).map((t) => t.id ?? '?');
  if (targets.length > 0 && !targets.includes('all_users')) {
    return row('AuthenticationMethod', method.id, 'Warning',
      `${method.id} is enabled only for the group(s) ${targets.join(', ')}: migrated users outside them ` +
      'cannot use it.', 'Make sure the migration group\'s users are in those groups, or target all users.',
        `${basis}; Inference: includeTargets limit who may use it`);
  }
  return row('AuthenticationMethod', method.id, 'Passed', `${method.id} is enabled${targets.length ? ' for all users' : ''}: ${method.writes}.`, null, basis);
}

/** Phones with an extension become office phones (M1's sync table); Voice's isOfficePhoneAllowed decides whether they may call. */
function officePhoneRow(voice: AuthenticationMethodConfiguration): TenantReadinessRow {
  const basis = `${BASIS.migrationUtility} (sync table: a phone with an extension updates the Office phone); ${BASIS.methodsPolicy} ` +
    '(voiceAuthenticationMethodConfiguration.isOfficePhoneAllowed)';
  if (voice.isOfficePhoneAllowed === true) return row('AuthenticationMethod', 'VoiceOffice', 'Passed',
    'Office phones may be called (isOfficePhoneAllowed).', null, basis);
  return row('AuthenticationMethod', 'VoiceOffice', 'Warning',
    'Office phones may not be called (isOfficePhoneAllowed is not true): users whose MFA Server phone ' +
    'has an extension get it as an office phone and cannot use it.', 'Allow office phones in the Voice call method settings, if such users exist.', basis);
}
