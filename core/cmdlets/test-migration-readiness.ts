/** Test-MfaMigrationReadiness: is this MFA Server ready to run the Migration Utility? Read-only (core/migration/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { openTargetHosts } from '../host/open-targets';
import { MIGRATION_CHECKS } from '../domain/readiness-types';
import { MIGRATION_CLOUDS, testMigrationReadiness } from '../migration/index';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    Cloud: Type.Optional(StringEnum([...MIGRATION_CLOUDS], {
      description: 'The cloud of the tenant the users move to: Global (login.microsoftonline.com, graph.microsoft.com, the default), USGov ' +
        '(login.microsoftonline.us, graph.microsoft.us) or China (login.chinacloudapi.cn, microsoftgraph.chinacloudapi.cn).',
    })),
    TimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, description: 'How long each DNS, TCP and TLS step may take (default 10).' })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  ComputerName: Type.String(),
  Check: StringEnum([...MIGRATION_CHECKS]),
  Result: StringEnum(['Passed', 'Warning', 'Failed']),
  Detail: Type.String(),
  Action: Type.Union([Type.String(), Type.Null()]),
  Basis: Type.String(),
  Accepted: Type.Boolean(),
});

export const testMigrationReadinessOperation = defineOperation({
  name: 'test-migration-readiness',
  cmdlet: 'Test-MfaMigrationReadiness',
  synopsis: 'Checks, read-only, that an MFA Server is ready to run the Migration Utility that moves users to cloud Microsoft Entra MFA.',
  description: [
    'Outputs one object per check (ComputerName, Check, Result Passed / Warning / Failed, Detail, Action, Basis), shaped like',
    'Test-MfaUpgradeReadiness\'s. MfaServerBuild: MFA Server 8.1 or later (the build that ships the Utility). MigrationUtility:',
    'Configure-MultiFactorAuthMigrationUtility.ps1 and MultiFactorAuthMigrationUtilityUI.exe in the install folder. ReplicationRole: whether the',
    'server belongs to a replication group (the static replication port value); which server is the primary is recorded nowhere documented, so',
    'a group member is a Warning to confirm. DotNetTls12: SchUseStrongCrypto and SystemDefaultTlsVersions = 1 for .NET v4.0.30319 in the',
    '64-bit and 32-bit registry views. SignInEndpoint, GraphEndpoint: DNS, TCP 443 and a TLS 1.2 handshake (certificate trusted, current, for',
    'the name) to the hosts of -Cloud, probed from the machine running the command. MethodsThatDoNotMigrate: users whose service-log lines show a PIN',
    'mode or security questions (Get-MfaServerUsage\'s reader). Basis cites the Microsoft Learn page, or says Inference. Nothing is changed.',
  ].join(' '),
  examples: [
    { title: 'Check this server', code: 'Test-MfaMigrationReadiness | Where-Object Result -ne Passed', remarks: 'Run elevated on the MFA server.' },
    { title: 'A US Government tenant', code: 'Test-MfaMigrationReadiness -Cloud USGov', remarks: 'Probes login.microsoftonline.us and graph.microsoft.us.' },
    { title: 'A lab', code: 'Test-MfaMigrationReadiness -LabPath .\\lab', remarks: 'The endpoints are probed from this machine.' },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.MigrationReadinessCheck',
  view: { groupBy: 'ComputerName', table: ['Check', 'Result', 'Detail'] },
  timeoutSeconds: 1800,
  links: ['Get-MfaServerUsage', 'Test-MfaTenantReadiness', 'Test-MfaUpgradeReadiness'],
  handler: perItem(async (item, ctx) => {
    const rows = [];
    for (const host of await openTargetHosts(targetOf(item))) {
      const readiness = await testMigrationReadiness(host, { cloud: item.Cloud ?? 'Global', timeoutMs: (item.TimeoutSeconds ?? 10) * 1000 },
        (what) => ctx.progress(`Migration readiness of ${host.computerName}`, what));
      rows.push(...readiness.rows);
    }
    return rows;
  }),
});
