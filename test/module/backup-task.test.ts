// Register-PhoneFactorBackupTask / Unregister-PhoneFactorBackupTask on a lab server, through real pwsh.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { openModuleSession } from '../helpers/pwsh';
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
  assert.match(task.Actions.Exec.Arguments, /-Destination 'D:\\Backups\\O''Brien & Co' -Retain 7 -Confirm:\$false/);
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
