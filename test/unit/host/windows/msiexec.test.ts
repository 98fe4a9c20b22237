import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeMsiexecExitCode, isMsiexecSuccess } from '../../../../core/host/msiexec-exit-codes';
import { WindowsFiles } from '../../../../core/host/windows/windows-files';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { redactor } from '../../../../core/util/secrets';
import { FakeClock, MSIEXEC, RecordedCommandRunner, type RecordedCommand } from './recorded-command-runner';

/** Records the folders the adapter creates instead of touching the disk. */
class RecordingFiles extends WindowsFiles {
  readonly madeDirectories: string[] = [];
  override async makeDirectory(path: string): Promise<void> {
    this.madeDirectories.push(path);
  }
}

function hostWith(script: RecordedCommand[], busy: { timeoutMs?: number; retryMs?: number } = {}) {
  const runner = new RecordedCommandRunner(script);
  const clock = new FakeClock();
  const files = new RecordingFiles();
  const host = new WindowsHost({
    runner,
    clock,
    files,
    systemRoot: 'C:\\Windows',
    is64Bit: true,
    installerBusyTimeoutMs: busy.timeoutMs ?? 60_000,
    installerBusyRetryMs: busy.retryMs ?? 5_000,
  });
  return { runner, clock, files, host };
}

const PORTAL_MSI = 'C:\\Program Files\\PhoneFactor\\MultiFactorAuthenticationUserPortalSetup64.msi';
const LOG = 'C:\\Windows\\Logs\\Software\\MfaServerUpgrade\\UserPortal install.log';
const INSTALL_LINE =
  `${MSIEXEC} /i "${PORTAL_MSI}" /qn /norestart /l*v "${LOG}" ` +
  'TARGETVDIR="PhoneFactor" WEBSITE="Default Web Site" NOTE="say ""hi""" WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD="p@ss word"';

const installRequest = {
  operation: 'install' as const,
  packagePath: PORTAL_MSI,
  logPath: LOG,
  properties: {
    TARGETVDIR: 'PhoneFactor',
    WEBSITE: 'Default Web Site',
    NOTE: 'say "hi"',
    WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD: 'p@ss word',
  },
};

test('exit codes map to outcomes', () => {
  const codes = [0, 1641, 3010, 1605, 1618, 1602, 1603, 1619, 1620, 1638, 1707, 4242];
  const outcomes = Object.fromEntries(codes.map((c) => [c, describeMsiexecExitCode(c).outcome]));
  assert.deepEqual(outcomes, {
    0: 'Success',
    1641: 'RebootInitiated',
    3010: 'RebootRequired',
    1605: 'NotInstalled',
    1618: 'Busy',
    1602: 'Failed',
    1603: 'Failed',
    1619: 'Failed',
    1620: 'Failed',
    1638: 'Failed',
    1707: 'Success',
    4242: 'Failed',
  });
  assert.match(describeMsiexecExitCode(1638).message, /Another version.*\(exit code 1638\)/);
  assert.match(describeMsiexecExitCode(1602).message, /cancelled/);
  assert.match(describeMsiexecExitCode(4242).message, /4242/);
  assert.deepEqual(['Success', 'RebootRequired', 'RebootInitiated', 'NotInstalled', 'Busy', 'Failed'].map((o) => isMsiexecSuccess(o as never)), [
    true,
    true,
    true,
    false,
    false,
    false,
  ]);
});

test('install: msiexec spawned verbatim with quoted paths and PROP="value"; the returned command line masks secrets', async () => {
  const { runner, files, host } = hostWith([{ commandLine: INSTALL_LINE, exitCode: 3010 }]);
  const result = await host.runMsiexec(installRequest);
  runner.assertAllRan();
  assert.equal(result.exitCode, 3010);
  assert.equal(result.commandLine, INSTALL_LINE.replace('"p@ss word"', '"********"'));
  assert.doesNotMatch(result.commandLine, /p@ss/);
  assert.equal(redactor.redact('failed with p@ss word'), 'failed with ********', 'secret property values are registered for redaction');
  assert.deepEqual(files.madeDirectories, ['C:\\Windows\\Logs\\Software\\MfaServerUpgrade']);
});

test('uninstall: /x {ProductCode} /qn /norestart /l*v "<log>"; 1605 comes back as an exit code, not an error', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${MSIEXEC} /x {B8F2D0E4-3A5C-4F61-9E2B-7C1D0A4E6F38} /qn /norestart /l*v "C:\\Logs\\Agent uninstall.log"`, exitCode: 1605 },
  ]);
  const result = await host.runMsiexec({ operation: 'uninstall', productCode: '{b8f2d0e4-3a5c-4f61-9e2b-7c1d0a4e6f38}', logPath: 'C:\\Logs\\Agent uninstall.log' });
  runner.assertAllRan();
  assert.equal(result.exitCode, 1605);
  assert.equal(describeMsiexecExitCode(result.exitCode).outcome, 'NotInstalled');
});

test('1618 (another installation running) is retried after a pause until it succeeds', async () => {
  const { runner, clock, host } = hostWith([
    { commandLine: INSTALL_LINE, exitCode: 1618 },
    { commandLine: INSTALL_LINE, exitCode: 1618 },
    { commandLine: INSTALL_LINE, exitCode: 0 },
  ]);
  const result = await host.runMsiexec(installRequest);
  runner.assertAllRan();
  assert.equal(result.exitCode, 0);
  assert.deepEqual(clock.sleeps, [5_000, 5_000]);
});

test('1618 that never clears ends with InstallerBusy within the retry window', async () => {
  const script = Array.from({ length: 13 }, () => ({ commandLine: INSTALL_LINE, exitCode: 1618 }));
  const { runner, clock, host } = hostWith(script, { timeoutMs: 60_000, retryMs: 5_000 });
  await assert.rejects(host.runMsiexec(installRequest), (e: { code: string; target: string; details: { attempts: number }; message: string }) => {
    assert.equal(e.code, 'InstallerBusy');
    assert.equal(e.target, PORTAL_MSI);
    assert.equal(e.details.attempts, 13);
    assert.doesNotMatch(JSON.stringify(e.details) + e.message, /p@ss/);
    return true;
  });
  runner.assertAllRan();
  assert.equal(clock.now(), 60_000, 'waited the whole window and not longer');
});

test('setup programs get the same 1618 handling; NAME=secret arguments are masked in the command line', async () => {
  const setup = 'C:\\Install\\MultiFactorAuthenticationServerSetup.exe';
  const { runner, host } = hostWith([
    { commandLine: `${setup} /quiet "/log C:\\Logs\\mfa setup.log" PASSWORD=hunter22`, exitCode: 1618 },
    { commandLine: `${setup} /quiet "/log C:\\Logs\\mfa setup.log" PASSWORD=hunter22`, exitCode: 1641 },
  ]);
  const result = await host.runSetup({ path: setup, arguments: ['/quiet', '/log C:\\Logs\\mfa setup.log', 'PASSWORD=hunter22'], logPath: 'C:\\Logs\\mfa setup.log' });
  runner.assertAllRan();
  assert.equal(result.exitCode, 1641);
  assert.equal(result.commandLine, `${setup} /quiet "/log C:\\Logs\\mfa setup.log" PASSWORD=********`);
});

test('requests msiexec could misread are refused before anything runs', async () => {
  const { runner, host } = hostWith([]);
  await assert.rejects(host.runMsiexec({ ...installRequest, properties: { 'lower case': 'x' } }), { code: 'InvalidInstallerRequest' });
  await assert.rejects(host.runMsiexec({ ...installRequest, properties: { A: 'two\r\nlines' } }), { code: 'InvalidInstallerRequest' });
  await assert.rejects(host.runMsiexec({ ...installRequest, packagePath: 'C:\\a".msi' }), { code: 'InvalidInstallerRequest' });
  await assert.rejects(host.runMsiexec({ operation: 'uninstall', productCode: 'B8F2D0E4', logPath: 'C:\\x.log' }), { code: 'InvalidInstallerRequest' });
  assert.deepEqual(runner.issued, []);
});

test('a property value that looks like switches stays inside its quotes', async () => {
  const { runner, host } = hostWith([{ commandLine: `${MSIEXEC} /i "${PORTAL_MSI}" /qn /norestart /l*v "${LOG}" A="x /qb B=1"` }]);
  await host.runMsiexec({ ...installRequest, properties: { A: 'x /qb B=1' } });
  runner.assertAllRan();
});
