// Get-MfaServerUsage's feature (core/usage/index.ts) over generated logs: rotated files, mixed components, garbage
// lines; the aggregates are checked against counts taken from the generator's own facts, not from the parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readServerUsage } from '../../../core/usage/index';
import { serviceLogHistory, type GeneratedLine } from '../../../core/host/lab/service-log-history';
import { expectedUsage, hostWithLogs, LOGS } from './helpers';

const USERS = ['alice@contoso.com', 'CONTOSO\\bob', 'chen.wei@contoso.com', "CN=Dana O'Neil,OU=Staff,DC=contoso,DC=com", 'CONTOSO\\svc-vpn'];
const history = (lines: number, seed = 1, start = '2024-04-01T00:00:00Z') =>
  [...serviceLogHistory({ seed, start: new Date(start), lines, stepMs: 600_000, users: USERS, garbage: 0.03, other: 0.15 })];

/** The history cut into a rolled-over pair and the current file, named as the console's backups might be [?]. */
async function rotated(lines: GeneratedLine[]) {
  const a = Math.floor(lines.length / 3);
  const b = Math.floor((2 * lines.length) / 3);
  // Named so that name order and age order disagree: the order must come from the files' contents.
  return hostWithLogs([['MultiFactorAuthSvc.log', lines.slice(b)], ['MultiFactorAuthSvc.log.1', lines.slice(a, b)], ['MultiFactorAuthSvc.log.2', lines.slice(0, a)]]);
}

test('per user: last seen, counts, results and callers equal what the generator wrote, over rotated files', async () => {
  const lines = history(3000);
  const host = await rotated(lines);
  const report = await readServerUsage(host, { paths: [LOGS] });
  const expected = expectedUsage(lines);
  assert.equal(report.Users.length, expected.users.size);
  for (const u of report.Users) {
    const e = expected.users.get(u.User.toLowerCase());
    assert.ok(e, u.User);
    assert.deepEqual([u.Count, u.Succeeded, u.Failed, u.PrimaryAuthCount, u.LastSeen], [e.count, e.succeeded, e.failed, e.primary, e.last], u.User);
    assert.deepEqual(new Map(u.Results.map((r) => [r.Result, r.Count])), e.results, u.User);
    assert.deepEqual(new Set(u.Callers), e.callers, u.User);
  }
  assert.deepEqual(report.Users.map((u) => u.LastSeen), [...report.Users.map((u) => u.LastSeen)].sort().reverse(), 'most recently seen first');
  assert.ok(report.Users.find((u) => u.User.startsWith('CN=Dana'))!.Methods.includes('MobileApp'));
});

test('per day and per caller; garbage lines counted and sampled with file and line number; other lines counted', async () => {
  const lines = history(3000, 2);
  const host = await rotated(lines);
  const report = await readServerUsage(host, { paths: [LOGS], sampleSize: 5 });
  const expected = expectedUsage(lines);
  assert.deepEqual(new Map(report.Days.map((d) => [d.Day, { count: d.Count, failed: d.Failed }])), expected.days);
  assert.deepEqual(report.Days.map((d) => d.Day), [...expected.days.keys()].sort(), 'days in order');
  assert.deepEqual(new Map(report.Callers.filter((c) => c.Count > 0).map((c) => [c.Caller, c.Count])), expected.callers);
  assert.equal(report.UnparsedLines, expected.garbage);
  assert.ok(expected.garbage > 20, 'the history holds garbage lines');
  assert.equal(report.OtherLines, expected.other);
  assert.equal(report.UnparsedSample.length, 5, 'the sample is bounded; the count is not');
  const first = report.UnparsedSample[0];
  assert.match(first.File, /MultiFactorAuthSvc\.log\.2$/, 'the oldest file is read first');
  const fileLines = lines.slice(0, Math.floor(lines.length / 3));
  assert.equal(fileLines[first.Line - 1].kind, 'garbage', `line ${first.Line} of ${first.File} is one the generator wrote as garbage`);
  assert.equal(first.Text, fileLines[first.Line - 1].text.slice(0, 300));
});

test('files are read oldest first whatever their names; each file is reported with its lines and times', async () => {
  const lines = history(900, 3);
  const host = await rotated(lines);
  const report = await readServerUsage(host, { paths: [LOGS] });
  assert.deepEqual(report.Files.map((f) => f.Path.replace(/^.*\\/, '')), ['MultiFactorAuthSvc.log.2', 'MultiFactorAuthSvc.log.1', 'MultiFactorAuthSvc.log']);
  assert.deepEqual(report.Files.map((f) => f.Lines), [300, 300, 300]);
  for (let i = 1; i < report.Files.length; i++) assert.ok(report.Files[i - 1].LastTimestamp! < report.Files[i].FirstTimestamp!);
});

test('-Since leaves out earlier authentications; -User keeps only matching users (case-insensitive, wildcards)', async () => {
  const lines = history(2000, 4);
  const host = await rotated(lines);
  const since = new Date('2024-04-05T12:00:00Z');
  const report = await readServerUsage(host, { paths: [LOGS], since });
  const expected = expectedUsage(lines, (a) => a.time >= since);
  assert.deepEqual(new Map(report.Users.map((u) => [u.User.toLowerCase(), u.Count + u.PrimaryAuthCount])),
    new Map([...expected.users].map(([k, v]) => [k, v.count + v.primary])));
  assert.ok(report.Users.every((u) => u.FirstSeen! >= since.toISOString()));
  assert.ok(report.FilteredOut > 0);

  const some = await readServerUsage(host, { paths: [LOGS], users: ['contoso\\*', 'ALICE@contoso.com'] });
  assert.deepEqual(some.Users.map((u) => u.User).sort(), ['CONTOSO\\bob', 'CONTOSO\\svc-vpn', 'alice@contoso.com']);
  const onlyBob = expectedUsage(lines, (a) => a.user === 'CONTOSO\\bob');
  assert.equal(some.Users.find((u) => u.User === 'CONTOSO\\bob')!.Count, onlyBob.users.get('contoso\\bob')!.count);
});

test('a user spelt in two cases is one user, shown as first seen', async () => {
  const line = (user: string, t: string) => ({ kind: 'other' as const, text: `${t}|i|1|2|pfsvc|Pfauth succeeded for user '${user}'. Call status: SUCCESS_NO_PIN - "x".` });
  const host = await hostWithLogs([['MultiFactorAuthSvc.log', [line('CONTOSO\\Bob', '2024-05-01T08:00:00Z'), line('contoso\\bob', '2024-05-02T08:00:00Z')]]]);
  const report = await readServerUsage(host, { paths: [LOGS] });
  assert.deepEqual(report.Users.map((u) => [u.User, u.Count, u.LastSeen]), [['CONTOSO\\Bob', 2, '2024-05-02T08:00:00.000Z']]);
});

test('no service log where the command looks is UsageLogsNotFound; a -Path that does not exist is FileNotFound naming it', async () => {
  const host = await hostWithLogs([['MultiFactorAuthAdSyncSvc.log', history(5)]]);
  await assert.rejects(readServerUsage(host, { paths: [LOGS] }), (e: Error & { code?: string }) => e.code === 'UsageLogsNotFound' && e.message.includes(LOGS));
  await assert.rejects(readServerUsage(host, { paths: ['C:\\Nowhere'] }), (e: Error & { code?: string }) => e.code === 'FileNotFound' && e.message.includes('C:\\Nowhere'));
});
