// The Task Scheduler XML of Register-PhoneFactorBackupTask: structure, values and quoting (no Task Scheduler here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  DEFAULT_TASK_NAME,
  TASK_NAMESPACE,
  buildBackupTaskXml,
  checkRetain,
  checkTaskDestination,
  checkTaskModule,
  normalizeTaskName,
  parseDailyTime,
  psSingleQuoted,
  type BackupTaskSpec,
} from '../../../core/domain/backup-task';

const spec = (over: Partial<BackupTaskSpec> = {}): BackupTaskSpec => ({
  taskName: DEFAULT_TASK_NAME,
  destination: 'D:\\Backups\\PhoneFactor',
  at: { hours: 2, minutes: 30 },
  retain: 7,
  stopService: false,
  startDate: new Date(2025, 2, 14, 16, 0, 0),
  moduleManifest: 'C:\\Program Files\\PowerShell\\Modules\\MfaServerUpgrade\\1.0.0\\MfaServerUpgrade.psd1',
  ...over,
});

// Attributes kept, text values as strings: what Task Scheduler would read.
const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, trimValues: false }).parse(xml);

test('the XML is well formed, Task Scheduler 1.2 in its namespace, declared UTF-16', () => {
  const xml = buildBackupTaskXml(spec());
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-16"\?>\r\n<Task /);
  const task = parse(xml).Task;
  assert.equal(task['@xmlns'], TASK_NAMESPACE);
  assert.equal(task['@version'], '1.2');
  assert.equal(task.RegistrationInfo.URI, '\\MfaServerUpgrade\\PhoneFactorBackup');
});

test('a daily calendar trigger at -At, starting on the given day in local time', () => {
  const trigger = parse(buildBackupTaskXml(spec({ at: { hours: 23, minutes: 5 } }))).Task.Triggers.CalendarTrigger;
  assert.equal(trigger.StartBoundary, '2025-03-14T23:05:00');
  assert.equal(trigger.ScheduleByDay.DaysInterval, '1');
  assert.equal(trigger.Enabled, 'true');
});

test('runs as SYSTEM (S-1-5-18) with the highest privileges', () => {
  const principal = parse(buildBackupTaskXml(spec())).Task.Principals.Principal;
  assert.equal(principal.UserId, 'S-1-5-18');
  assert.equal(principal.RunLevel, 'HighestAvailable');
  assert.equal(principal['@id'], parse(buildBackupTaskXml(spec())).Task.Actions['@Context']);
});

test('settings: start when available, two hours at most, no parallel run, no battery stop', () => {
  const s = parse(buildBackupTaskXml(spec())).Task.Settings;
  assert.equal(s.StartWhenAvailable, 'true');
  assert.equal(s.ExecutionTimeLimit, 'PT2H');
  assert.equal(s.MultipleInstancesPolicy, 'IgnoreNew');
  assert.equal(s.DisallowStartIfOnBatteries, 'false');
  assert.equal(s.StopIfGoingOnBatteries, 'false');
  assert.equal(s.Enabled, 'true');
});

test('the action starts Windows PowerShell by full path and runs Backup-PhoneFactor with retention and a log', () => {
  const exec = parse(buildBackupTaskXml(spec({ retain: 14, stopService: true }))).Task.Actions.Exec;
  assert.equal(exec.Command, '%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe');
  const args: string = exec.Arguments;
  assert.match(args, /^-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "/);
  assert.ok(args.endsWith('"'));
  assert.equal(args.slice(args.indexOf('"') + 1, -1).includes('"'), false, 'no double quote inside the one -Command argument');
  assert.match(args, /Import-Module -Name 'C:\\Program Files\\PowerShell\\Modules\\MfaServerUpgrade\\1\.0\.0\\MfaServerUpgrade\.psd1'; Backup-PhoneFactor -Destination 'D:\\Backups\\PhoneFactor' -Retain 14 -StopService -Confirm:\$false \*>&1 \| Out-File -LiteralPath \$log -Append -Encoding utf8/);
  assert.match(args, /\$log = Join-Path \$env:SystemRoot 'Logs\\Software\\MfaServerUpgrade-Backup\.log'/);
  assert.match(args, /catch \{ .*FAILED.*exit 1 \}/);
});

test("a destination with ' and & survives: doubled quote in PowerShell, escaped in XML, exact after parsing", () => {
  const destination = "D:\\O'Brien & Co\\<MFA>";
  const xml = buildBackupTaskXml(spec({ destination }));
  assert.equal(XMLValidator.validate(xml), true);
  assert.match(xml, /O&apos;&apos;Brien &amp; Co\\&lt;MFA&gt;/);
  const args: string = parse(xml).Task.Actions.Exec.Arguments;
  const literal = /-Destination ('(?:[^']|'')*')/.exec(args)![1];
  assert.equal(literal, "'D:\\O''Brien & Co\\<MFA>'");
  assert.equal(literal.slice(1, -1).replace(/''/g, "'"), destination, 'PowerShell reads back the original path');
});

test('typographic single quotes, which PowerShell also treats as quotes, are doubled too', () => {
  assert.equal(psSingleQuoted('a\u2019b'), "'a\u2019\u2019b'");
  assert.equal(psSingleQuoted("it's"), "'it''s'");
});

test('-At is validated as a 24-hour time', () => {
  assert.deepEqual(parseDailyTime('02:30'), { hours: 2, minutes: 30 });
  assert.deepEqual(parseDailyTime('7:05'), { hours: 7, minutes: 5 });
  // A [datetime] as it reaches the core: PowerShell's invariant text of it, or ISO-8601; its time of day as written.
  assert.deepEqual(parseDailyTime('03/01/2024 23:15:40'), { hours: 23, minutes: 15 });
  assert.deepEqual(parseDailyTime('2024-03-01T02:30:00.0000000+01:00'), { hours: 2, minutes: 30 });
  assert.deepEqual(parseDailyTime('2024-03-01T02:30:00Z'), { hours: 2, minutes: 30 });
  assert.throws(() => parseDailyTime('03/01/2024 24:15:40'), /InvalidTime|not a time of day/);
  assert.deepEqual(parseDailyTime('23:59'), { hours: 23, minutes: 59 });
  for (const bad of ['24:00', '2:3', '12:60', '2pm', '', '02:30:00']) assert.throws(() => parseDailyTime(bad), { code: 'InvalidTime', target: 'At' }, bad);
});

test('task names get a leading backslash; unusable ones are refused', () => {
  assert.equal(normalizeTaskName('Contoso\\MfaBackup'), '\\Contoso\\MfaBackup');
  assert.equal(normalizeTaskName(DEFAULT_TASK_NAME), DEFAULT_TASK_NAME);
  for (const bad of ['', '\\', 'A\\\\B', '..\\x', 'a:b', 'a"b', 'a/b']) assert.throws(() => normalizeTaskName(bad), { code: 'InvalidTaskName' }, bad);
});

test('the destination must be a full Windows path without " or %', () => {
  assert.equal(checkTaskDestination('\\\\fs01\\share\\PF'), '\\\\fs01\\share\\PF');
  assert.throws(() => checkTaskDestination('backups'), { code: 'TaskDestinationNotAbsolute' });
  assert.throws(() => checkTaskDestination('/tmp/backups'), { code: 'TaskDestinationNotAbsolute' });
  assert.throws(() => checkTaskDestination('D:\\%TEMP%'), { code: 'TaskDestinationUnsupported' });
});

test('retain defaults to 7 and is never 0', () => {
  assert.equal(checkRetain(undefined), 7);
  assert.equal(checkRetain(3), 3);
  assert.throws(() => checkRetain(0), { code: 'InvalidRetain' });
});

test('the task imports the module by the path of its manifest; a path SYSTEM in 5.1 cannot rely on is refused by name', () => {
  const manifest = 'C:\\Program Files\\PowerShell\\Modules\\MfaServerUpgrade\\1.0.0\\MfaServerUpgrade.psd1';
  assert.equal(checkTaskModule(manifest), manifest);
  assert.match(buildBackupTaskXml(spec({ moduleManifest: manifest })), /Import-Module -Name &apos;C:\\Program Files\\PowerShell\\Modules\\MfaServerUpgrade\\1\.0\.0\\MfaServerUpgrade\.psd1&apos;;/);
  assert.equal(checkTaskModule('/opt/lab/MfaServerUpgrade/MfaServerUpgrade.psd1'), '/opt/lab/MfaServerUpgrade/MfaServerUpgrade.psd1', 'a path of this machine (lab rehearsal)');
  const refused = (p: string | null, code: string, why: RegExp) =>
    assert.throws(() => checkTaskModule(p), (e: Error & { code?: string }) => e.code === code && why.test(e.message), String(p));
  refused(null, 'TaskModuleUnknown', /not started by the MfaServerUpgrade module/);
  refused('C:\\Users\\admin\\Documents\\PowerShell\\Modules\\MfaServerUpgrade\\1.0.0\\MfaServerUpgrade.psd1', 'TaskModuleNotReachable', /user profile/);
  refused('d:\\users\\admin\\MfaServerUpgrade.psd1', 'TaskModuleNotReachable', /user profile/);
  refused('\\\\fs01\\modules\\MfaServerUpgrade\\MfaServerUpgrade.psd1', 'TaskModuleNotReachable', /network share/);
  refused('Modules\\MfaServerUpgrade.psd1', 'TaskModuleNotReachable', /not a full local path/);
  refused('C:\\Mods\\100%\\MfaServerUpgrade.psd1', 'TaskModuleNotReachable', /cannot carry/);
});
