/** Get-MfaMigrationStatus: who of the migration group did the Utility migrate, and who is in Staged Rollout (core/tenant/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { connectionOf, MigrationGroupDescription, TENANT_OWN_PROCESS, TenantParameters } from './contract/tenant-parameters';
import { getMigrationStatus, MIGRATION_STATES } from '../tenant/index';
import { sinceOf } from './contract/time-parameters';

const Input = Type.Object(
  {
    ...TenantParameters,
    MigrationGroup: Type.String({ minLength: 1, pattern: '\\S', description: MigrationGroupDescription }),
    Since: Type.Optional(
      Type.String({ minLength: 1, description: 'Only audit entries at or after this time: a date (2024-05-01, UTC), an ISO-8601 time or a [datetime].' }),
    ),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  UserPrincipalName: Type.String(),
  DisplayName: Type.String(),
  UserId: Type.String(),
  Status: StringEnum([...MIGRATION_STATES]),
  Migrated: Type.Boolean(),
  MethodsWritten: Type.String(),
  MethodCodes: Type.String(),
  DefaultMethod: Type.String(),
  FirstWritten: Type.String(),
  LastWritten: Type.String(),
  AuditEntries: Type.Integer(),
  DeviceEntries: Type.Integer(),
  FailedEntries: Type.Integer(),
  InStagedRollout: Type.Boolean(),
  StagedRolloutGroups: Type.String(),
  Detail: Type.String(),
});

export const getMigrationStatusOperation = defineOperation({
  name: 'get-migration-status',
  cmdlet: 'Get-MfaMigrationStatus',
  synopsis: 'Shows, per user of the migration group, whether the Migration Utility wrote their methods and whether they are in Staged Rollout.',
  description: [
    'Reads Microsoft Graph (GET only): the users of -MigrationGroup (through nested groups), the tenant\'s audit log entries by "Azure MFA Management"',
    '(the Migration Utility\'s writes), decoding the documented method codes (0 voice mobile, 2 voice office, 3 voice alternate mobile, 5 SMS,',
    '6 Microsoft Authenticator push, 7 hardware or software OTP), and the groups of the Staged Rollout policy for MFA. One flat object per user',
    '(Export-Csv keeps every column): Status ReadyForRollout (migrated, not in rollout yet: safe to add), InRollout, NotMigrated, or',
    'InRolloutNotMigrated (reaches Entra MFA with no migrated methods on record). The audit log keeps 30 days by default: a user migrated earlier',
    'shows no entry. Reads through the Graph session of this PowerShell (Connect-MgGraph) or -AccessToken. Nothing in the tenant is changed.',
  ].join(' '),
  examples: [
    {
      title: 'Who is safe to roll out',
      code: "Get-MfaMigrationStatus -MigrationGroup 'MFA Migration' | Where-Object Status -eq 'ReadyForRollout' | Export-Csv .\\ready.csv -NoTypeInformation",
      remarks: 'Needs the scopes GroupMember.Read.All, AuditLog.Read.All and Policy.Read.HybridAuthentication.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.MigrationStatus',
  view: { table: [{ property: 'UserPrincipalName', width: 32 }, 'Status', 'MethodsWritten'] },
  timeoutSeconds: 3600,
  ownProcess: TENANT_OWN_PROCESS,
  links: ['Test-MfaTenantReadiness', 'Export-MfaTenantState'],
  handler: perItem((item, ctx) =>
    getMigrationStatus(connectionOf(item), { migrationGroup: item.MigrationGroup, since: sinceOf(item.Since) }, (m) => ctx.log('verbose', m),
      (s) => ctx.progress('Reading the tenant', s)),
  ),
});
