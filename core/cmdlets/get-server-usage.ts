/** Get-MfaServerUsage: who and what still authenticates through MFA Server, from its own service logs (core/usage/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf, type TargetInput } from './contract/target-parameters';
import { openTargetHosts, pipeIdentity } from '../host/open-targets';
import { readServerUsage, usageRows, type UsageRequest } from '../usage/index';
import { CALLERS } from '../domain/service-log';
import type { OperationContext } from '../util/operation-context';
import { sinceOf } from './contract/time-parameters';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    Path: Type.Optional(
      Type.Array(Type.String({ minLength: 1, pattern: '\\S' }), {
        minItems: 1,
        description:
          'Folders or files holding the service log (MultiFactorAuthSvc.log and its rolled-over copies), instead of the Logs folder of the server\'s ' +
            'install path: copies on this machine, or on a lab a Windows path inside it (C:\\...). A folder is searched for MultiFactorAuthSvc*.log ' +
            'files; a file is read whatever its name.',
        'x-mfa': { path: true },
      }),
    ),
    Since: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Only authentications at or after this time count: a date (2024-05-01, UTC), an ISO-8601 time, or a [datetime] ((Get-Date).AddDays(-30)).',
      }),
    ),
    User: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Only these users, as the log names them (CONTOSO\\alice, alice@contoso.com); case-insensitive, with wildcards * and ?.',
      }),
    ),
    Summary: Type.Optional(
      Type.Boolean({
        description: 'Instead of one object per user: one per day (volume by result), one per caller (portal, SDK, RADIUS, LDAP, AD FS, IIS, Unknown), ' +
          'one per file read, and one with the count of lines not understood and a sample of them (file, line number, reason, text).',
      }),
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Output = Type.Object({
  Kind: StringEnum(['User', 'Day', 'Caller', 'File', 'Unparsed']),
  Name: Type.String(),
  Count: Type.Integer(),
  Succeeded: Type.Integer(),
  Failed: Type.Integer(),
  PrimaryAuthCount: Type.Integer(),
  FirstSeen: Nullable(Type.String()),
  LastSeen: Nullable(Type.String()),
  LastResult: Nullable(Type.String()),
  Results: Type.Array(Type.Object({ Result: Type.String(), Count: Type.Integer() })),
  Methods: Type.Array(Type.String()),
  Callers: Type.Array(StringEnum([...CALLERS, 'Unknown'])),
  Sources: Type.Array(Type.String()),
  Users: Type.Union([Type.Integer(), Type.Null()]),
  Samples: Type.Array(Type.Object({ File: Type.String(), Line: Type.Integer(), Reason: Type.String(), Text: Type.String() })),
  Detail: Type.String(),
  ComputerName: Type.String(),
  LabPath: Nullable(Type.String()),
});

export const getServerUsageOperation = defineOperation({
  name: 'get-server-usage',
  cmdlet: 'Get-MfaServerUsage',
  synopsis: 'Shows who and what still authenticates through MFA Server, from its own service logs.',
  description: [
    'Reads MultiFactorAuthSvc.log and its rolled-over copies in the Logs folder of the MFA Server (or PhoneFactor) install path, oldest first,',
    'or the files and folders given with -Path (copies too), and outputs one object per user: when it was last seen, how many second-factor',
    'results (Count, Succeeded, Failed) and first-factor checks (PrimaryAuthCount) it had, with which methods, results and callers. With',
    '-Summary: one object per day, per caller and per file, and one with the lines not understood. Microsoft asks to review these logs',
    'before the server is removed, to be sure no user or application still uses it. The line grammar, the result constants and the',
    'caller names are inferred from public samples: a line the parser does not understand is counted and kept in a sample (file, line',
    'number, reason), never dropped, and the command warns when there are any. Logs are read a chunk at a time, so memory does not grow',
    'with their size. Nothing on the server is changed.',
  ].join(' '),
  examples: [
    { title: 'Who still uses this server', code: 'Get-MfaServerUsage | Sort-Object LastSeen -Descending', remarks: 'Run elevated on the MFA server.' },
    {
      title: 'The last 30 days, summarised',
      code: 'Get-MfaServerUsage -ComputerName MFA01 -Since (Get-Date).AddDays(-30) -Summary | Format-Table Kind, Name, Count, Failed, Detail',
      remarks: 'Volume per day and per caller, the files read, and how many lines were not understood.',
    },
    {
      title: 'Copies of the logs',
      code: "Get-MfaServerUsage -Path .\\MFA01-Logs -User 'CONTOSO\\svc-*'",
      remarks: 'Reads every MultiFactorAuthSvc*.log in the folder; only the users matching the wildcard.',
    },
    { title: 'A lab server', code: 'Get-MfaServerUsage -LabPath .\\lab -Summary', remarks: 'The lab writes its service log in the same grammar.' },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.ServerUsage',
  // Rows come kind by kind (users; or days, callers, files, unparsed): a heading per kind leaves room for Detail.
  view: {
    groupBy: 'Kind',
    table: [{ property: 'Name', width: 24 }, { property: 'Count', width: 6 }, { property: 'Failed', width: 6 }, { property: 'LastSeen', width: 22 }, 'Detail'],
  },
  links: ['Get-PhoneFactorComponent', 'Get-MfaUpgradePlan'],
  handler: perItem(async (item, ctx: OperationContext) => {
    const request: UsageRequest = { paths: item.Path, since: sinceOf(item.Since), users: item.User };
    const hosts = item.Path && !hasTarget(item) ? [null] : await openTargetHosts(targetOf(item));
    const rows = [];
    for (const host of hosts) {
      const report = await readServerUsage(host, request, (file) => ctx.progress('Reading service logs', file));
      const where = host?.computerName ?? 'the files given';
      const n = report.UnparsedLines;
      if (n > 0) ctx.log('warning', `${where}: ${n} log ${n === 1 ? 'line was' : 'lines were'} not understood; -Summary lists a sample of them.`);
      const identity = host ? pipeIdentity(host) : { ComputerName: 'localhost', LabPath: null };
      rows.push(...usageRows(report, item.Summary === true).map((r) => ({ ...r, ...identity })));
    }
    return rows;
  }),
});

const hasTarget = (t: TargetInput) => t.LabPath !== undefined || t.ComputerName !== undefined || t.Session !== undefined;
