// Scheduled tasks on a lab server: stored where Windows keeps them, as Windows writes them.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { newLab } from '../host/lab/helpers';
import { buildBackupTaskXml, DEFAULT_TASK_NAME } from '../../../core/domain/backup-task';

const xml = buildBackupTaskXml({ taskName: DEFAULT_TASK_NAME, destination: 'D:\\Backups', at: { hours: 2, minutes: 30 }, retain: 7, stopService: false, startDate: new Date(2025, 0, 1),
  moduleManifest: 'C:\\Program Files\\WindowsPowerShell\\Modules\\MfaServerUpgrade\\MfaServerUpgrade.psd1' });

test('register stores the XML under C:\\Windows\\System32\\Tasks\\<folder>\\<name> as UTF-16LE with a BOM; get and unregister round trip', async () => {
  const { hosts } = await newLab();
  const host = hosts[0];
  assert.equal(await host.getScheduledTask(DEFAULT_TASK_NAME), undefined);
  await host.registerScheduledTask(DEFAULT_TASK_NAME, xml);
  const file = join(host.folder, 'C', 'Windows', 'System32', 'Tasks', 'MfaServerUpgrade', 'PhoneFactorBackup');
  const bytes = readFileSync(file);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  assert.equal(bytes.subarray(2).toString('utf16le'), xml);
  assert.equal(await host.getScheduledTask('\\mfaserverupgrade\\phonefactorbackup'), xml, 'task names are case-insensitive');
  await host.registerScheduledTask(DEFAULT_TASK_NAME, xml.replace('02:30:00', '03:45:00'));
  assert.match((await host.getScheduledTask(DEFAULT_TASK_NAME))!, /T03:45:00/, 'registering again replaces the task');
  assert.equal(await host.unregisterScheduledTask(DEFAULT_TASK_NAME), true);
  assert.equal(existsSync(file), false);
  assert.equal(await host.unregisterScheduledTask(DEFAULT_TASK_NAME), false);
  assert.equal(await host.getScheduledTask(DEFAULT_TASK_NAME), undefined);
});

test('XML that is not well formed, or not a <Task>, is refused like Task Scheduler does; names cannot leave the Tasks folder', async () => {
  const { hosts } = await newLab();
  const host = hosts[0];
  await assert.rejects(host.registerScheduledTask(DEFAULT_TASK_NAME, xml.replace('</Task>', '')), { code: 'TaskXmlInvalid' });
  await assert.rejects(host.registerScheduledTask(DEFAULT_TASK_NAME, '<?xml version="1.0"?><Job/>'), { code: 'TaskXmlInvalid', message: /<Task>/ });
  await assert.rejects(host.registerScheduledTask('\\..\\..\\evil', xml), { code: 'InvalidTaskName' });
  assert.equal(existsSync(join(host.folder, 'C', 'Windows', 'System32', 'Tasks', 'MfaServerUpgrade')), false);
});
