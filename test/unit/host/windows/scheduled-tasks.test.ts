// Scheduled tasks through schtasks.exe: the exact command lines, the XML file handed over, and how answers are read.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { RecordedCommandRunner, type RecordedCommand } from './recorded-command-runner';

const SCHTASKS = 'C:\\Windows\\System32\\schtasks.exe';
const TASK = '\\MfaServerUpgrade\\PhoneFactorBackup';
const XML = '<?xml version="1.0" encoding="UTF-16"?>\r\n<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task"><Settings/></Task>\r\n';
// What schtasks prints (English Windows) for a task or task folder that does not exist.
const NOT_FOUND = 'ERROR: The system cannot find the file specified.\r\n';
const NO_FOLDER = 'ERROR: The system cannot find the path specified.\r\n';

async function hostWith(script: RecordedCommand[]) {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-tasks-'));
  const runner = new RecordedCommandRunner(script);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', computerName: 'PF01', is64Bit: true, tempDirectory: temp, randomId: () => 'r1' });
  return { runner, host, temp };
}

test('register writes the XML as UTF-16LE with a BOM, runs schtasks /Create /XML /F, and removes the file', async () => {
  let handedOver: Buffer | undefined;
  const temp = await mkdtemp(join(tmpdir(), 'winhost-tasks-'));
  const file = join(temp, 'mfa-task-r1.xml');
  const runner = new RecordedCommandRunner([
    {
      commandLine: `${SCHTASKS} /Create /TN ${TASK} /XML ${file} /F`,
      stdout: `SUCCESS: The scheduled task "PhoneFactorBackup" has successfully been created.\r\n`,
      effect: (args) => {
        handedOver = readFileSync(args[4]);
      },
    },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, tempDirectory: temp, randomId: () => 'r1' });
  await host.registerScheduledTask(TASK, XML);
  runner.assertAllRan();
  assert.deepEqual([...handedOver!.subarray(0, 2)], [0xff, 0xfe]);
  assert.equal(handedOver!.subarray(2).toString('utf16le'), XML);
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(temp), []);
});

test('a task name with spaces is quoted as one argument; the XML file goes also when schtasks fails', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-tasks-'));
  const runner = new RecordedCommandRunner([
    { commandLine: `${SCHTASKS} /Create /TN "\\Contoso Backups\\PF nightly" /XML ${join(temp, 'mfa-task-r1.xml')} /F`, exitCode: 1, stderr: 'ERROR: The task XML is malformed.\r\n' },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, tempDirectory: temp, randomId: () => 'r1' });
  await assert.rejects(host.registerScheduledTask('\\Contoso Backups\\PF nightly', XML), { code: 'ScheduledTaskRegisterFailed', message: /malformed/ });
  runner.assertAllRan();
  assert.deepEqual(readdirSync(temp), []);
});

test('a refused registration fails with schtasks\' own message and exit code', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-tasks-'));
  const runner = new RecordedCommandRunner([
    { commandLine: `${SCHTASKS} /Create /TN ${TASK} /XML ${join(temp, 'mfa-task-r1.xml')} /F`, exitCode: 1, stderr: 'ERROR: Access is denied.\r\n' },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, tempDirectory: temp, randomId: () => 'r1' });
  await assert.rejects(host.registerScheduledTask(TASK, XML), { code: 'ScheduledTaskRegisterFailed', message: /exit code 1\): Access is denied\./, target: TASK });
});

test('unregister runs schtasks /Delete /F; a missing task or folder answers false', async () => {
  const { runner, host } = await hostWith([
    { commandLine: `${SCHTASKS} /Delete /TN ${TASK} /F`, stdout: 'SUCCESS: The scheduled task "\\MfaServerUpgrade\\PhoneFactorBackup" was successfully deleted.\r\n' },
    { commandLine: `${SCHTASKS} /Delete /TN ${TASK} /F`, exitCode: 1, stderr: NOT_FOUND },
    { commandLine: `${SCHTASKS} /Delete /TN ${TASK} /F`, exitCode: 1, stderr: NO_FOLDER },
    { commandLine: `${SCHTASKS} /Delete /TN ${TASK} /F`, exitCode: 1, stderr: 'ERROR: Access is denied.\r\n' },
    { commandLine: `${SCHTASKS} /Query /FO CSV /NH`, stdout: `"${TASK}","N/A","Ready"\r\n` },
  ]);
  assert.equal(await host.unregisterScheduledTask(TASK), true);
  assert.equal(await host.unregisterScheduledTask(TASK), false);
  assert.equal(await host.unregisterScheduledTask(TASK), false);
  await assert.rejects(host.unregisterScheduledTask(TASK), { code: 'ScheduledTaskUnregisterFailed' });
  runner.assertAllRan();
});

test('get reads the XML schtasks /Query /XML prints; a missing task is undefined', async () => {
  const { runner, host } = await hostWith([
    { commandLine: `${SCHTASKS} /Query /TN ${TASK} /XML`, stdout: `\uFEFF${XML}\r\n` },
    { commandLine: `${SCHTASKS} /Query /TN ${TASK} /XML`, exitCode: 1, stderr: NOT_FOUND },
  ]);
  assert.equal(await host.getScheduledTask(TASK), XML.trim());
  assert.equal(await host.getScheduledTask(TASK), undefined);
  runner.assertAllRan();
});

test('a name schtasks cannot take as one argument is refused before anything runs', async () => {
  const { runner, host } = await hostWith([]);
  await assert.rejects(host.getScheduledTask('\\A"B'), { code: 'InvalidTaskName' });
  await assert.rejects(host.unregisterScheduledTask(''), { code: 'InvalidTaskName' });
  assert.deepEqual(runner.issued, []);
});

// A server in another language: schtasks says "not found" and "access denied" in words we cannot match, with the same
// exit code. The adapter then looks for the task in the list of all tasks, whose paths are never translated.
const DE_NOT_FOUND = 'FEHLER: Die angegebene Datei wurde nicht gefunden.\r\n';
const DE_DENIED = 'FEHLER: Zugriff verweigert\r\n';
const LIST_ALL = `${SCHTASKS} /Query /FO CSV /NH`;
const listing = (...paths: string[]) => paths.map((p) => `"${p}","28.11.2026 02:00:00","Bereit"\r\n`).join('');

test('German server: a task missing from the list of all tasks is absent; one listed but refused is a failure', async () => {
  const { runner, host } = await hostWith([
    { commandLine: `${SCHTASKS} /Query /TN ${TASK} /XML`, exitCode: 1, stderr: DE_NOT_FOUND },
    { commandLine: LIST_ALL, stdout: `\r\n${listing('\\Microsoft\\Windows\\Defrag\\ScheduledDefrag', '\\GoogleUpdateTaskMachineCore')}` },
    { commandLine: `${SCHTASKS} /Delete /TN ${TASK} /F`, exitCode: 1, stderr: DE_NOT_FOUND },
    { commandLine: LIST_ALL, stdout: '' },
    { commandLine: `${SCHTASKS} /Delete /TN ${TASK} /F`, exitCode: 1, stderr: DE_DENIED },
    { commandLine: LIST_ALL, stdout: listing('\\MFASERVERUPGRADE\\PhoneFactorBackup') },
    { commandLine: `${SCHTASKS} /Query /TN ${TASK} /XML`, exitCode: 1, stderr: DE_DENIED },
    { commandLine: LIST_ALL, exitCode: 1, stderr: DE_DENIED },
  ]);
  assert.equal(await host.getScheduledTask(TASK), undefined);
  assert.equal(await host.unregisterScheduledTask(TASK), false);
  await assert.rejects(host.unregisterScheduledTask(TASK), { code: 'ScheduledTaskUnregisterFailed', message: /Zugriff verweigert/ });
  await assert.rejects(host.getScheduledTask(TASK), { code: 'ScheduledTaskQueryFailed', message: /Zugriff verweigert/ });
  runner.assertAllRan();
});
