// The lab's service log: found from the install path in its registry, rolled over once, in the grammar the parser reads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readServerUsage } from '../../../core/usage/index';
import { LAB_USERS } from '../../../core/host/lab/legacy-products';
import { newLab } from '../host/lab/helpers';

test('a new lab has a week of its users\' authentications, found from the InstallPath of its product key', async () => {
  const { hosts } = await newLab('SingleServer');
  const report = await readServerUsage(hosts[0], {});
  assert.deepEqual(report.Files.map((f) => f.Path), ['C:\\Program Files\\PhoneFactor\\Logs\\MultiFactorAuthSvc.log.1', 'C:\\Program Files\\PhoneFactor\\Logs\\MultiFactorAuthSvc.log']);
  const known = new Set([...LAB_USERS.map((u) => u.login), 'CONTOSO\\svc-vpn']);
  assert.ok(report.Users.length >= 4 && report.Users.every((u) => known.has(u.User)), report.Users.map((u) => u.User).join(', '));
  assert.ok(report.Days.length >= 6, `${report.Days.length} days`);
  assert.ok(report.UnparsedLines > 0 && report.UnparsedLines < 10, 'a few garbage lines, counted');
  assert.ok(new Set(report.Callers.map((c) => c.Caller)).size >= 5, 'mixed callers');
});

test('a lab server without an install path in its registry (the web server) has no logs to read: UsageLogsNotFound', async () => {
  const { hosts } = await newLab('SeparateWebServer');
  const web = hosts.find((h) => h.computerName === 'WEB01')!;
  await assert.rejects(readServerUsage(web, {}), (e: Error & { code?: string }) => e.code === 'UsageLogsNotFound' && /WEB01/.test(e.message));
});
