// Register-PhoneFactorBackupTask / Unregister-PhoneFactorBackupTask on a lab server, through real pwsh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { spawnSync } from 'node:child_process';
import { modulePath, openModuleSession, pwshExecutable } from '../helpers/pwsh';
import { checkPowerShellText } from '../helpers/ps-syntax';
import { splitWindowsCommandLine } from '../helpers/windows-command-line';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
let lab: string;
let taskFile: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-task-'));
  lab = path.join(dir, 'lab');
  taskFile = path.join(lab, 'C', 'Windows', 'System32', 'Tasks', 'MfaServerUpgrade', 'PhoneFactorBackup');
  ps = await openModuleSession(dir);
  const made = await ps.run('$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
});
after(async () => {
  await ps.close();
});

const parseTask = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false }).parse(xml).Task;

test('-AsXml returns the task XML in .Xml and registers nothing; it saves to a file with Set-Content', async () => {
  const r = await ps.run(
    "$t = Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Backups\\O''Brien & Co' -At 2:30 -AsXml; $t.Xml | Set-Content -LiteralPath (Join-Path $V.dir 'task.xml') -Encoding utf8; $t | Select-Object TaskName, At, Retain, Registered, Destination",
    { lab, dir },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output[0], { TaskName: '\\MfaServerUpgrade\\PhoneFactorBackup', At: '02:30', Retain: 7, Registered: false, Destination: "D:\\Backups\\O'Brien & Co" });
  assert.equal(existsSync(taskFile), false);
  const task = parseTask(readFileSync(path.join(dir, 'task.xml'), 'utf8'));
  assert.equal(task.Principals.Principal.UserId, 'S-1-5-18');
  assert.match(task.Actions.Exec.Arguments, /-Destination 'D:\\Backups\\O''Brien & Co' -Retain 7 -LabPath '[^']+' -ComputerName 'MFA01' -Confirm:\$false/, 'a lab\'s task backs up that lab server');
});

test('-WhatIf shows the registration and registers nothing', async () => {
  const transcript = path.join(dir, 'whatif.txt');
  const r = await ps.run(
    "Start-Transcript -LiteralPath $V.transcript | Out-Null; try { Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Backups' -At 02:30 -WhatIf } finally { Stop-Transcript | Out-Null }",
    { lab, transcript },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.output.length, 0);
  const text = readFileSync(transcript, 'utf8');
  assert.match(text, /What if: .*Register the scheduled task \\MfaServerUpgrade\\PhoneFactorBackup: every day at 02:30 as SYSTEM/);
  assert.match(text, /on target "MFA01: \\MfaServerUpgrade\\PhoneFactorBackup"/);
  assert.equal(existsSync(taskFile), false);
});

test('a bad -At, -Retain 0 and a destination that is not a Windows path are refused', async () => {
  const at = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Backups' -At 25:00 -Confirm:$false", { lab });
  assert.equal(at.errors[0]?.fullyQualifiedErrorId, 'InvalidTime,Register-PhoneFactorBackupTask');
  const zero = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Backups' -At 02:00 -Retain 0 -Confirm:$false", { lab });
  assert.ok(zero.errors.length + (zero.terminatingError ? 1 : 0) > 0, '-Retain 0 is refused');
  const relative = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'backups' -At 02:00 -Confirm:$false", { lab });
  assert.equal(relative.errors[0]?.fullyQualifiedErrorId, 'TaskDestinationNotAbsolute,Register-PhoneFactorBackupTask');
  assert.equal(existsSync(taskFile), false);
});

test('register then unregister round trip on the lab; a second unregister warns and removes nothing', async () => {
  const reg = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Backups' -At 23:15 -Retain 14 -Confirm:$false | Select-Object Registered, ComputerName, LogPath", { lab });
  assert.ok(reg.ok, reg.terminatingError?.message);
  assert.deepEqual(reg.output[0], { Registered: true, ComputerName: 'MFA01', LogPath: '%SystemRoot%\\Logs\\Software\\MfaServerUpgrade-Backup.log' });
  const bytes = readFileSync(taskFile);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe], 'stored as Windows stores tasks: UTF-16LE with BOM');
  const task = parseTask(bytes.subarray(2).toString('utf16le'));
  assert.match(task.Triggers.CalendarTrigger.StartBoundary, /T23:15:00$/);
  assert.match(task.Actions.Exec.Arguments, /-Retain 14 /);

  const un = await ps.run('Unregister-PhoneFactorBackupTask -LabPath $V.lab -Confirm:$false | Select-Object TaskName, Removed', { lab });
  assert.ok(un.ok, un.terminatingError?.message);
  assert.deepEqual(un.output[0], { TaskName: '\\MfaServerUpgrade\\PhoneFactorBackup', Removed: true });
  assert.equal(existsSync(taskFile), false);
  const again = await ps.run('Unregister-PhoneFactorBackupTask -LabPath $V.lab -Confirm:$false | Select-Object Removed', { lab });
  assert.deepEqual(again.output[0], { Removed: false });
  assert.match(again.warnings.join('\n'), /no scheduled task/);
});

test('the output of Register pipes into Unregister (TaskName, LabPath by property name)', async () => {
  const r = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\B' -At 01:00 -TaskName 'Contoso\\PfNightly' -Confirm:$false | Unregister-PhoneFactorBackupTask -Confirm:$false | Select-Object TaskName, Removed", { lab });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output[0], { TaskName: '\\Contoso\\PfNightly', Removed: true });
});

/**
 * What Task Scheduler would do with the registered task: split <Command> <Arguments> as Windows splits a command line
 * and start PowerShell with them, non-interactive, as the task does. %SystemRoot% is the lab's C:\Windows. The module
 * is NOT on PSModulePath: Windows PowerShell 5.1, which runs the task, does not look where PowerShell 7 installs
 * modules (-Scope AllUsers: $env:ProgramFiles\PowerShell\Modules), so the task must import it by its path.
 */
interface TaskActionRun {
  status: number | null;
  stdout: string;
  stderr: string;
  log: string;
  command: string;
}

function runTaskAction(taskXml: string, installedIn = path.dirname(modulePath)): TaskActionRun {
  const args = splitWindowsCommandLine(parseTask(taskXml).Actions.Exec.Arguments);
  const command = args[args.indexOf('-Command') + 1];
  const systemRoot = path.join(lab, 'C', 'Windows');
  const notInstallLocation = (p: string) => p !== '' && !path.resolve(p).startsWith(path.resolve(installedIn));
  const run = spawnSync(pwshExecutable(), args, {
    encoding: 'utf8',
    env: { ...process.env, SystemRoot: systemRoot, PSModulePath: (process.env.PSModulePath ?? '').split(path.delimiter).filter(notInstallLocation).join(path.delimiter) },
    timeout: 240_000,
  });
  const logFile = path.join(systemRoot, 'Logs', 'Software', 'MfaServerUpgrade-Backup.log');
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, log: existsSync(logFile) ? readFileSync(logFile, 'utf8') : '', command };
}

test('the registered task\'s exact command parses (also for Windows PowerShell 5.1), runs, backs up and logs that it ran', async () => {
  const reg = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Nightly' -At 02:30 -Retain 2 -Confirm:$false | Select-Object Registered", { lab });
  assert.ok(reg.ok, reg.terminatingError?.message);
  const xml = readFileSync(taskFile).subarray(2).toString('utf16le');
  const command = splitWindowsCommandLine(parseTask(xml).Actions.Exec.Arguments);
  assert.deepEqual(command.slice(0, 5), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command']);
  assert.equal(command.length, 6, 'the whole script is one argument');
  const [finding] = await checkPowerShellText(ps, { task: command[5] });
  assert.deepEqual(finding.Errors, [], 'the task command parses');
  assert.deepEqual(finding.SevenOnly, [], 'the task command has no PowerShell 7-only syntax');

  // The log is full from earlier nights: the run rotates it first (as every log of the tool rotates).
  const logs = path.join(lab, 'C', 'Windows', 'Logs', 'Software');
  const logFile = (n: number | null) => path.join(logs, n === null ? 'MfaServerUpgrade-Backup.log' : `MfaServerUpgrade-Backup-${n}.log`);
  mkdirSync(logs, { recursive: true });
  writeFileSync(logFile(null), Buffer.alloc(10 * 1024 * 1024, 0x41));
  for (let n = 1; n <= 9; n++) writeFileSync(logFile(n), `night ${n}`);
  const run = runTaskAction(xml);
  assert.equal(run.status, 0, `the task exits 0; stderr: ${run.stderr}; log: ${run.log}`);
  assert.equal(readFileSync(logFile(1)).length, 10 * 1024 * 1024, 'the full log became -1');
  for (let n = 2; n <= 9; n++) assert.equal(readFileSync(logFile(n), 'utf8'), `night ${n - 1}`);
  assert.equal(existsSync(logFile(10)), false, 'ten files in all');
  assert.match(run.log, /^\uFEFF?=== \d{4}-\d\d-\d\dT[^ ]+ scheduled backup\r?\n/, 'the task logs that it started, in a new file');
  assert.doesNotMatch(run.log, /FAILED/);
  const backups = readdirSync(path.join(lab, 'D', 'Nightly')).filter((f) => !f.startsWith('.'));
  assert.equal(backups.length, 1, `one backup made by the task: ${backups.join(', ')}`);

  // Read back: the task as registered, how its run ended (from its log), the end of the log; the backup it made.
  const got = await ps.run('Get-PhoneFactorBackupTask -LabPath $V.lab -Tail 3', { lab });
  assert.ok(got.ok, got.terminatingError?.message);
  const state = got.output[0] as Record<string, unknown>;
  assert.deepEqual(
    {
      At: state.At,
      Enabled: state.Enabled,
      Destination: state.Destination,
      Retain: state.Retain,
      StopService: state.StopService,
      LastResult: state.LastResult,
    },
    { At: '02:30', Enabled: true, Destination: 'D:\\Nightly', Retain: 2, StopService: false, LastResult: 'Succeeded' },
  );
  assert.equal(state.ModulePath, path.join(modulePath, 'MfaServerUpgrade.psd1'));
  assert.equal((state.LogTail as string[]).length, 3);
  assert.match((state.LogTail as string[]).at(-1)!, / OK: the scheduled backup completed$/);
  const listed = await ps.run("Get-PhoneFactorBackup -LabPath $V.lab -Destination 'D:\\Nightly' | Select-Object ComputerName, Sequence, Verified, VerifiedBy", { lab });
  assert.deepEqual(listed.output, [{ ComputerName: 'MFA01', Sequence: 1, Verified: true, VerifiedBy: 'Manifest' }]);
  await ps.run('Unregister-PhoneFactorBackupTask -LabPath $V.lab -Confirm:$false', { lab });
  const gone = await ps.run('Get-PhoneFactorBackupTask -LabPath $V.lab', { lab });
  assert.equal(gone.errors[0]?.fullyQualifiedErrorId, 'ScheduledTaskNotFound,Get-PhoneFactorBackupTask');
});

test('a module installed where Windows PowerShell 5.1 does not look: the task imports it by the path of its manifest and runs', async () => {
  // As Install-PSResource -Scope AllUsers from PowerShell 7 installs it: <ProgramFiles>\PowerShell\Modules\<name>\<version>.
  const installed = path.join(dir, 'ProgramFiles', 'PowerShell', 'Modules');
  const moduleFolder = path.join(installed, 'MfaServerUpgrade', '0.1.0');
  cpSync(modulePath, moduleFolder, { recursive: true });
  const ps7 = await openModuleSession(dir, process.env, path.join(moduleFolder, 'MfaServerUpgrade.psd1'));
  try {
    const reg = await ps7.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\Pwsh7' -At 03:00 -Confirm:$false | Select-Object Registered, ModulePath", { lab });
    assert.ok(reg.ok, reg.terminatingError?.message);
    const manifest = path.join(moduleFolder, 'MfaServerUpgrade.psd1');
    assert.deepEqual(reg.output[0], { Registered: true, ModulePath: manifest });
    const xml = readFileSync(taskFile).subarray(2).toString('utf16le');
    const run = runTaskAction(xml, installed);
    assert.ok(run.command.includes(`Import-Module -Name '${manifest}';`), `the task imports the module by path: ${run.command}`);
    assert.equal(run.status, 0, `the task exits 0; stderr: ${run.stderr}; log: ${run.log}`);
    assert.doesNotMatch(run.log, /FAILED/);
    assert.equal(readdirSync(path.join(lab, 'D', 'Pwsh7')).filter((f) => f.startsWith('PhoneFactorBackup-')).length, 1, 'the task made its backup');
    await ps7.run('Unregister-PhoneFactorBackupTask -LabPath $V.lab -Confirm:$false', { lab });
  } finally {
    await ps7.close();
  }
});

test('a failing scheduled backup logs FAILED with the reason and exits 1 (Task Scheduler\'s Last Run Result)', async () => {
  // The destination is a file: Backup-PhoneFactor cannot make its folder there.
  mkdirSync(path.join(lab, 'D'), { recursive: true });
  writeFileSync(path.join(lab, 'D', 'NotAFolder'), 'x');
  const reg = await ps.run("Register-PhoneFactorBackupTask -LabPath $V.lab -Destination 'D:\\NotAFolder' -At 02:30 -Confirm:$false | Select-Object Registered", { lab });
  assert.ok(reg.ok, reg.terminatingError?.message);
  const xml = readFileSync(taskFile).subarray(2).toString('utf16le');
  const run = runTaskAction(xml);
  assert.equal(run.status, 1, `the task exits 1; stderr: ${run.stderr}`);
  assert.match(run.log, /=== \S+ scheduled backup\r?\n/);
  assert.match(run.log, /\S+ FAILED: .*NotAFolder/);
  const got = await ps.run('Get-PhoneFactorBackupTask -LabPath $V.lab | Select-Object LastResult, LastMessage', { lab });
  const state = got.output[0] as { LastResult: string; LastMessage: string };
  assert.equal(state.LastResult, 'Failed', 'the last run, as its log tells it');
  assert.match(state.LastMessage, /NotAFolder/);
  await ps.run('Unregister-PhoneFactorBackupTask -LabPath $V.lab -Confirm:$false', { lab });
});
