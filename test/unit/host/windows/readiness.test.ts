// The Windows adapter's readiness methods and the registry-based readiness checks, through the recorded-command fake.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tmpdir } from 'node:os';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { groupMembersScript } from '../../../../core/host/windows/windows-accounts';
import { quoteWindowsArgument } from '../../../../core/host/windows/command-runner';
import { checkInstallationInProgress, checkPendingRestart } from '../../../../core/upgrade/readiness/machine-checks';
import { fixture, REG, RecordedCommandRunner, type RecordedCommand } from './recorded-command-runner';

const WHOAMI = 'C:\\Windows\\System32\\whoami.exe';
const POWERSHELL = 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';

function hostWith(script: RecordedCommand[]) {
  const runner = new RecordedCommandRunner(script);
  return { runner, host: new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, computerName: 'MFA01' }) };
}

const whoami = (file: string, exitCode = 0): RecordedCommand => ({ commandLine: `${WHOAMI} /groups /fo csv /nh`, stdout: fixture(file), exitCode });
const groupCall = (group: string) => `${POWERSHELL} -NoProfile -NonInteractive -ExecutionPolicy Bypass -Command ${quoteWindowsArgument(groupMembersScript(group))}`;

test('isElevated reads the integrity level SID from whoami, in any language', async () => {
  for (const [file, expected] of [['whoami-groups-elevated.txt', true], ['whoami-groups-filtered.txt', false], ['whoami-groups-elevated-de.txt', true]] as const) {
    const { runner, host } = hostWith([whoami(file)]);
    assert.equal(await host.isElevated(), expected, file);
    runner.assertAllRan();
  }
});

test('isElevated is unknown, not false, when whoami shows no integrity level (Wine 8 prints only the user name)', async () => {
  const { host } = hostWith([whoami('whoami-groups-no-label.txt')]);
  await assert.rejects(host.isElevated(), (e: Error & { code?: string }) => e.code === 'ElevationUnknown' && /no integrity level.*VM\\root/.test(e.message));
});

test('isElevated fails loudly when whoami fails (never a guess)', async () => {
  const { host } = hostWith([{ commandLine: `${WHOAMI} /groups /fo csv /nh`, exitCode: 1, stderr: 'ERROR: Access is denied.\r\n' }]);
  await assert.rejects(host.isElevated(), (e: Error & { code?: string }) => e.code === 'ElevationUnknown' && /Access is denied/.test(e.message));
});

test('getLocalGroupMembers turns ADsPaths into DOMAIN\\name; a missing group is undefined; a failure throws', async () => {
  const withAdmins = hostWith([{ commandLine: groupCall('PhoneFactor Admins'), stdout: fixture('group-members-phonefactor-admins.txt') }]);
  let host = withAdmins.host;
  assert.deepEqual(await host.getLocalGroupMembers('PhoneFactor Admins'), ['CONTOSO\\svc-pfsdk', 'MFA01\\Administrator', 'CONTOSO\\Domain Admins']);
  withAdmins.runner.assertAllRan();
  ({ host } = hostWith([{ commandLine: groupCall('PhoneFactor Admins'), stdout: fixture('group-members-no-group.txt') }]));
  assert.equal(await host.getLocalGroupMembers('PhoneFactor Admins'), undefined);
  ({ host } = hostWith([{ commandLine: groupCall('PhoneFactor Admins'), exitCode: 1, stderr: 'powershell: access denied\r\n' }]));
  await assert.rejects(host.getLocalGroupMembers('PhoneFactor Admins'), /failed \(exit code 1\)/);
});

test('a group name with a quote stays inside its PowerShell string', () => {
  assert.match(groupMembersScript("O'Brien Admins"), /'O''Brien Admins'/);
});

test('getVolumeSpace: the volume of a path (statfs); a drive that does not exist is undefined', async () => {
  const host = new WindowsHost({ runner: new RecordedCommandRunner([]), systemRoot: 'C:\\Windows', is64Bit: true });
  const space = await host.getVolumeSpace(`${tmpdir()}/not-yet-made/x`);
  assert.ok(space && space.totalBytes > 0 && space.freeBytes >= 0 && space.freeBytes <= space.totalBytes, JSON.stringify(space));
});

const q = (key: string) => `${REG} query ${quoteWindowsArgument(key)} /reg:64`;
/** reg query's output: the key with its full root name, then the values. */
const out = (key: string, ...values: string[]) => `\r\n${key.replace(/^HKLM/, 'HKEY_LOCAL_MACHINE')}\r\n${values.map((v) => `    ${v}\r\n`).join('')}\r\n`;
const notFound = (key: string): RecordedCommand => ({ commandLine: q(key), exitCode: 1, stderr: fixture('reg-not-found.stderr.txt') });
const CBS = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending';
const WU = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired';
const SM = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager';

test('pending restart on Windows: the three indicators read with reg query', async () => {
  let { runner, host } = hostWith([notFound(CBS), notFound(WU), { commandLine: q(SM), stdout: out(SM, 'BootExecute    REG_MULTI_SZ    autocheck autochk *') }]);
  assert.equal((await checkPendingRestart(host)).Result, 'Passed');
  runner.assertAllRan();
  ({ runner, host } = hostWith([
    { commandLine: q(CBS), stdout: out(CBS, '{D9A5E3E1-0000-0000-0000-000000000000}    REG_DWORD    0x1') },
    notFound(WU),
    { commandLine: q(SM), stdout: out(SM, 'PendingFileRenameOperations    REG_MULTI_SZ    \\??\\C:\\Windows\\Temp\\x.dll\\0') },
  ]));
  const r = await checkPendingRestart(host);
  assert.equal(r.Result, 'Failed');
  assert.match(r.Detail, /Component Based Servicing RebootPending, PendingFileRenameOperations/);
  runner.assertAllRan();
});

test('another installation in progress on Windows: the Installer\\InProgress key', async () => {
  const key = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress';
  let { host } = hostWith([notFound(key)]);
  assert.equal((await checkInstallationInProgress(host)).Result, 'Passed');
  ({ host } = hostWith([{ commandLine: q(key), stdout: out(key, '(Default)    REG_SZ    C:\\Windows\\Installer\\1a2b3c.msi') }]));
  assert.equal((await checkInstallationInProgress(host)).Result, 'Failed');
});
