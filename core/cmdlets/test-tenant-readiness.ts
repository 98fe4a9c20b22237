/** Test-MfaTenantReadiness: is Entra ready for the users the Migration Utility moves? Read-only (core/tenant/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { connectionOf, MigrationGroupDescription, TENANT_OWN_PROCESS, TenantParameters } from './contract/tenant-parameters';
import { TENANT_CHECKS, testTenantReadiness } from '../tenant/index';

const Input = Type.Object(
  {
    ...TenantParameters,
    MigrationGroup: Type.Optional(Type.String({ minLength: 1, pattern: '\\S',
      description: `${MigrationGroupDescription} A Staged Rollout group must not be it.` })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  Check: StringEnum([...TENANT_CHECKS]),
  Subject: Type.String(),
  Result: StringEnum(['Passed', 'Warning', 'Failed']),
  Detail: Type.String(),
  Action: Type.Union([Type.String(), Type.Null()]),
  Basis: Type.String(),
});

export const testTenantReadinessOperation = defineOperation({
  name: 'test-tenant-readiness',
  cmdlet: 'Test-MfaTenantReadiness',
  synopsis: 'Checks, read-only, that the Entra tenant is ready for the users the MFA Server Migration Utility moves.',
  description: [
    'Reads Microsoft Graph (GET only) and outputs one object per check (Check, Subject, Result Passed / Warning / Failed, Detail, Action, Basis):',
    'the methods the Migration Utility writes (phone calls, text messages, Microsoft Authenticator, software and hardware OATH tokens, office',
    'phones) are enabled in the Authentication methods policy; the "MFA Server Migration Utility" app registration exists and has admin consent;',
    'the Staged Rollout policy for MFA and each of its groups (at most 10 groups of at most 50,000 users, none dynamic or nested, none the same',
    'as -MigrationGroup); and each federated domain\'s federatedIdpMfaBehavior with what it means for the cut-over. Basis names the Microsoft',
    'Learn page a check rests on, or says Inference. Reads through the Graph session of this PowerShell (Connect-MgGraph) or -AccessToken.',
    'Nothing in the tenant is changed.',
  ].join(' '),
  examples: [
    {
      title: 'Check the tenant',
      code: "Connect-MgGraph -Scopes Policy.Read.AuthenticationMethod,Application.Read.All,Policy.Read.HybridAuthentication," +
        "GroupMember.Read.All,Domain.Read.All\n" +
        "Test-MfaTenantReadiness -MigrationGroup 'MFA Migration' | Where-Object Result -ne 'Passed'",
      remarks: 'Lists what needs attention, with the action to take.',
    },
    {
      title: 'A US Government tenant with a token',
      code: 'Test-MfaTenantReadiness -Cloud USGov -AccessToken (Read-Host -AsSecureString -Prompt Token)',
      remarks: 'Reads graph.microsoft.us; the token stays in memory for the call.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.TenantReadinessCheck',
  view: { table: ['Check', 'Result', { property: 'Subject', width: 22 }, 'Detail'] },
  timeoutSeconds: 1800,
  ownProcess: TENANT_OWN_PROCESS,
  links: ['Get-MfaMigrationStatus', 'Export-MfaTenantState', 'Test-MfaUpgradeReadiness'],
  handler: perItem((item, ctx) =>
    testTenantReadiness(connectionOf(item), { migrationGroup: item.MigrationGroup }, (m) => ctx.log('verbose', m),
      (s) => ctx.progress('Reading the tenant', s)),
  ),
});
