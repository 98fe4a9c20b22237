import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { parseRegQueryBlocks } from '../../../../core/host/windows/reg-query-output';
import { encodeRegFileText } from '../../../../core/host/registry-file';
import { FIXTURES, fixture, REG, RecordedCommandRunner, type RecordedCommand } from './recorded-command-runner';

const PF_KEY = 'HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor';

function hostWith(script: RecordedCommand[], extra: { tempDirectory?: string } = {}) {
  const runner = new RecordedCommandRunner(script);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', computerName: 'PF01', is64Bit: true, randomId: () => 'r1', ...extra });
  return { runner, host };
}

test('reads the PhoneFactor product key in the 32-bit view: quoted path, /reg:32, InstallPath with its trailing backslash', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${REG} query "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /reg:32`, stdout: fixture('reg-query-phonefactor-32.txt') },
  ]);
  const key = await host.getRegistryKey(PF_KEY, '32');
  runner.assertAllRan();
  assert.deepEqual(key, {
    path: PF_KEY,
    values: [
      { name: 'InstallPath', type: 'REG_SZ', data: 'C:\\Program Files\\PhoneFactor\\' },
      { name: 'Pfsvc_ncan_ip_tcp_port', type: 'REG_DWORD', data: 0x1b58 },
    ],
    subkeys: [],
  });
});

test('the 64-bit view is asked for with /reg:64, and a trailing backslash on the key is dropped', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${REG} query "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /reg:64`, exitCode: 1, stderr: fixture('reg-not-found.stderr.txt') },
  ]);
  assert.equal(await host.getRegistryKey(`${PF_KEY}\\`, '64'), undefined);
  runner.assertAllRan();
});

test('a block header that names the WOW6432Node path is still the key itself', async () => {
  const redirected = fixture('reg-query-phonefactor-32.txt').replace('SOFTWARE\\Positive', 'SOFTWARE\\WOW6432Node\\Positive');
  const { host } = hostWith([{ commandLine: `${REG} query "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /reg:32`, stdout: redirected }]);
  const key = await host.getRegistryKey(PF_KEY, '32');
  assert.equal(key?.values.length, 2);
  assert.deepEqual(key?.subkeys, []);
});

test('every value type and the subkey list are read from real-format output', async () => {
  const svcKey = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\MultiFactorAuth';
  const { host } = hostWith([{ commandLine: `${REG} query ${svcKey} /reg:64`, stdout: fixture('reg-query-service-key-64.txt') }]);
  const key = await host.getRegistryKey(svcKey, '64');
  const byName = Object.fromEntries(key!.values.map((v) => [v.name, v]));
  assert.deepEqual(byName.ImagePath, { name: 'ImagePath', type: 'REG_EXPAND_SZ', data: '"C:\\Program Files\\PhoneFactor\\MultiFactorAuthSvc.exe"' });
  assert.deepEqual(byName.DependOnService.data, ['RpcSs', 'Tcpip']);
  assert.deepEqual(byName.RequiredPrivileges.data, []);
  assert.equal(byName.FailureActions.type, 'REG_BINARY');
  assert.match(byName.FailureActions.data as string, /^80,51,01,00,00,00/);
  assert.equal((byName.FailureActions.data as string).split(',').length, 40);
  assert.equal(byName.ResetPeriodQword.data, 86400);
  assert.equal(byName.Start.data, 2);
  assert.equal(byName.Blob, undefined, 'REG_NONE is left out');
  assert.deepEqual(key!.subkeys, ['Parameters', 'Security']);
});

test('the default value is named "" and an unset default is left out', () => {
  const out = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\A\r\n    (Default)    REG_SZ    hello\r\n\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\B\r\n    (Default)    REG_SZ    (value not set)\r\n';
  const blocks = parseRegQueryBlocks(out, 'test');
  assert.deepEqual(blocks[0].values, [{ name: '', type: 'REG_SZ', data: 'hello' }]);
  assert.deepEqual(blocks[1].values, []);
});

test('a damaged REG_DWORD makes the key unreadable instead of guessing', async () => {
  const k = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{C3A1E7B2-5D4F-4A60-8B19-0E2F6D7A9C54}';
  const { host } = hostWith([{ commandLine: `${REG} query ${k} /reg:32`, stdout: fixture('reg-query-uninstall-corrupt-dword-32.txt') }]);
  await assert.rejects(host.getRegistryKey(k, '32'), { code: 'RegistryOutputUnreadable', message: /WindowsInstaller.*REG_DWORD.*\(invalid\)/ });
});

test('access denied is a failure, not an absent key', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${REG} query "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /reg:32`, exitCode: 1, stderr: fixture('reg-access-denied.stderr.txt') },
    { commandLine: `${REG} query "HKLM\\SOFTWARE\\Positive Networks" /reg:32`, stdout: fixture('reg-query-positive-networks-32.txt') },
  ]);
  await assert.rejects(host.getRegistryKey(PF_KEY, '32'), { code: 'RegistryReadFailed', message: /Access is denied/ });
  runner.assertAllRan();
});

test('a key path reg.exe cannot address is refused before anything runs', async () => {
  const { runner, host } = hostWith([]);
  await assert.rejects(host.getRegistryKey('SOFTWARE\\Foo', '64'), { code: 'RegistryKeyInvalid' });
  await assert.rejects(host.getRegistryKey('HKLM\\SOFTWARE\\Fo"o', '64'), { code: 'RegistryKeyInvalid' });
  assert.deepEqual(runner.issued, []);
});

test('setRegistryValue issues reg add with the type, data and view (quoting spaces and a trailing backslash)', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${REG} add "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /v InstallPath /t REG_SZ /d "C:\\Program Files\\PhoneFactor\\\\" /f /reg:32` },
    { commandLine: `${REG} add "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /v Pfsvc_ncan_ip_tcp_port /t REG_DWORD /d 7000 /f /reg:32` },
    { commandLine: `${REG} add HKLM\\SOFTWARE\\X /v Paths /t REG_MULTI_SZ /d "C:\\A\\0C:\\B b" /f /reg:64` },
    { commandLine: `${REG} add HKLM\\SOFTWARE\\X /v Blob /t REG_BINARY /d deadbeef /f /reg:64` },
    { commandLine: `${REG} add HKLM\\SOFTWARE\\X /ve /t REG_SZ /d "" /f /reg:64` },
  ]);
  await host.setRegistryValue(PF_KEY, '32', { name: 'InstallPath', type: 'REG_SZ', data: 'C:\\Program Files\\PhoneFactor\\' });
  await host.setRegistryValue(PF_KEY, '32', { name: 'Pfsvc_ncan_ip_tcp_port', type: 'REG_DWORD', data: 7000 });
  await host.setRegistryValue('HKLM\\SOFTWARE\\X', '64', { name: 'Paths', type: 'REG_MULTI_SZ', data: ['C:\\A', 'C:\\B b'] });
  await host.setRegistryValue('HKLM\\SOFTWARE\\X', '64', { name: 'Blob', type: 'REG_BINARY', data: 'de,ad,be,ef' });
  await host.setRegistryValue('HKLM\\SOFTWARE\\X', '64', { name: '', type: 'REG_SZ', data: '' });
  runner.assertAllRan();
});

test('setRegistryValue refuses data that does not fit the type', async () => {
  const { runner, host } = hostWith([]);
  await assert.rejects(host.setRegistryValue('HKLM\\SOFTWARE\\X', '64', { name: 'N', type: 'REG_DWORD', data: 2 ** 32 }), { code: 'InvalidRegistryValue' });
  await assert.rejects(host.setRegistryValue('HKLM\\SOFTWARE\\X', '64', { name: 'N', type: 'REG_SZ', data: 5 }), { code: 'InvalidRegistryValue' });
  assert.deepEqual(runner.issued, []);
});

test('deleteRegistryKey uses reg delete /f with the view; an absent key counts as deleted', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${REG} delete "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /f /reg:32` },
    { commandLine: `${REG} delete "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /f /reg:32`, exitCode: 1, stderr: fixture('reg-not-found.stderr.txt') },
    { commandLine: `${REG} delete "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /f /reg:64`, exitCode: 1, stderr: fixture('reg-access-denied.stderr.txt') },
    { commandLine: `${REG} query "HKLM\\SOFTWARE\\Positive Networks" /reg:64`, stdout: fixture('reg-query-positive-networks-32.txt') },
  ]);
  await host.deleteRegistryKey(PF_KEY, '32');
  await host.deleteRegistryKey(PF_KEY, '32');
  await assert.rejects(host.deleteRegistryKey(PF_KEY, '64'), { code: 'RegistryWriteFailed' });
  runner.assertAllRan();
});

test('exportRegistryKey returns the decoded text of the file reg export wrote, and removes the file', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-'));
  const file = join(temp, 'mfa-reg-export-r1.reg');
  const { runner, host } = hostWith(
    [
      {
        commandLine: `${REG} export "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" ${file} /y /reg:32`,
        effect: (args) => copyFile(join(FIXTURES, 'reg-export-phonefactor-32.reg'), args[2]),
      },
    ],
    { tempDirectory: temp },
  );
  const text = await host.exportRegistryKey(PF_KEY, '32');
  runner.assertAllRan();
  assert.ok(text.startsWith('Windows Registry Editor Version 5.00\r\n'), 'BOM stripped, UTF-16 decoded');
  assert.match(text, /"InstallPath"="C:\\\\Program Files\\\\PhoneFactor\\\\"/);
  assert.equal(readFileSync(join(FIXTURES, 'reg-export-phonefactor-32.reg'))[0], 0xff, 'fixture really is UTF-16LE with BOM');
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(temp), []);
});

test('exporting a missing key fails with RegistryKeyNotFound', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-'));
  const { host } = hostWith(
    [{ commandLine: `${REG} export HKLM\\SOFTWARE\\Nope ${join(temp, 'mfa-reg-export-r1.reg')} /y /reg:64`, exitCode: 1, stderr: fixture('reg-not-found.stderr.txt') }],
    { tempDirectory: temp },
  );
  await assert.rejects(host.exportRegistryKey('HKLM\\SOFTWARE\\Nope', '64'), { code: 'RegistryKeyNotFound', target: 'HKLM\\SOFTWARE\\Nope' });
});

// A server in another language: reg.exe says "not found" and "access denied" in words we cannot match, with the same
// exit code. The adapter asks the parent key whether it lists the key; key names are never translated.
const QUERY_PF_32 = `${REG} query "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /reg:32`;
const QUERY_PN_32 = `${REG} query "HKLM\\SOFTWARE\\Positive Networks" /reg:32`;
const QUERY_SOFTWARE_32 = `${REG} query HKLM\\SOFTWARE /reg:32`;
const DE_NOT_FOUND = { exitCode: 1, stderr: fixture('reg-not-found-de.stderr.txt') };
const DE_DENIED = { exitCode: 1, stderr: fixture('reg-access-denied-de.stderr.txt') };

test('German server: a missing key (and missing parent) is absent, found by asking the parents, not by the words', async () => {
  const { runner, host } = hostWith([
    { commandLine: QUERY_PF_32, ...DE_NOT_FOUND },
    { commandLine: QUERY_PN_32, ...DE_NOT_FOUND },
    { commandLine: QUERY_SOFTWARE_32, stdout: fixture('reg-query-software-32.txt') },
  ]);
  assert.equal(await host.getRegistryKey(PF_KEY, '32'), undefined);
  runner.assertAllRan();
});

test('German server: a key its parent lists but reg.exe cannot read is a failure with reg.exe\'s own words', async () => {
  const { runner, host } = hostWith([
    { commandLine: QUERY_PF_32, ...DE_DENIED },
    { commandLine: QUERY_PN_32, stdout: fixture('reg-query-positive-networks-32.txt') },
  ]);
  await assert.rejects(host.getRegistryKey(PF_KEY, '32'), { code: 'RegistryReadFailed', message: /Zugriff verweigert/ });
  runner.assertAllRan();
});

test('German server: when the parent cannot be read either, the key is not taken for missing', async () => {
  const { runner, host } = hostWith([
    { commandLine: QUERY_PF_32, ...DE_DENIED },
    { commandLine: QUERY_PN_32, ...DE_DENIED },
    { commandLine: QUERY_SOFTWARE_32, stdout: fixture('reg-query-software-32.txt').replace('Policies', 'Positive Networks') },
  ]);
  await assert.rejects(host.getRegistryKey(PF_KEY, '32'), { code: 'RegistryReadFailed', message: /Zugriff verweigert/ });
  runner.assertAllRan();
});

test('German server: deleting an absent key succeeds and exporting one fails with RegistryKeyNotFound', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-'));
  const { runner, host } = hostWith(
    [
      { commandLine: `${REG} delete "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" /f /reg:32`, ...DE_NOT_FOUND },
      { commandLine: QUERY_PN_32, stdout: fixture('reg-query-positive-networks-32.txt').replace(/\r\nHKEY[^\r]*PhoneFactor\r\n/, '\r\n') },
      { commandLine: `${REG} export "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" ${join(temp, 'mfa-reg-export-r1.reg')} /y /reg:32`, ...DE_NOT_FOUND },
      { commandLine: QUERY_PN_32, ...DE_NOT_FOUND },
      { commandLine: QUERY_SOFTWARE_32, stdout: fixture('reg-query-software-32.txt') },
    ],
    { tempDirectory: temp },
  );
  await host.deleteRegistryKey(PF_KEY, '32');
  await assert.rejects(host.exportRegistryKey(PF_KEY, '32'), { code: 'RegistryKeyNotFound' });
  runner.assertAllRan();
});

// reg query prints in the console's code page, which its output does not name: a key whose text goes beyond ASCII is
// read again from `reg export` (UTF-16), so a path with an accent comes back exactly.
const EXPORT_PF_32 = (temp: string) => `${REG} export "HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor" ${join(temp, 'mfa-reg-export-r1.reg')} /y /reg:32`;
const GARBLED_QUERY = '\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Positive Networks\\PhoneFactor\r\n    InstallPath    REG_SZ    C:\\Program Files\\Soci\u201At\u201A\\PhoneFactor\\\r\n\r\n';
const exportText = (...valueLines: string[]) =>
  ['Windows Registry Editor Version 5.00', '', '[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Positive Networks\\PhoneFactor]', ...valueLines, '', '[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Positive Networks\\PhoneFactor\\Données]', ''].join('\r\n');

test('a key whose reg query text is not ASCII is read again from reg export: the accented path comes back exactly', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-'));
  const { runner, host } = hostWith(
    [
      { commandLine: QUERY_PF_32, stdout: GARBLED_QUERY },
      { commandLine: EXPORT_PF_32(temp), effect: (args) => writeFile(args[2], encodeRegFileText(exportText('"InstallPath"="C:\\\\Program Files\\\\Société\\\\PhoneFactor\\\\"'))) },
    ],
    { tempDirectory: temp },
  );
  const key = await host.getRegistryKey(PF_KEY, '32');
  runner.assertAllRan();
  assert.deepEqual(key, { path: PF_KEY, values: [{ name: 'InstallPath', type: 'REG_SZ', data: 'C:\\Program Files\\Société\\PhoneFactor\\' }], subkeys: ['Données'] });
  assert.deepEqual(readdirSync(temp), [], 'the export file is removed');
});

test('when that export holds a value type the .reg reader does not take, what reg query showed is kept; a key gone meanwhile is absent', async () => {
  const temp = await mkdtemp(join(tmpdir(), 'winhost-'));
  const { runner, host } = hostWith(
    [
      { commandLine: QUERY_PF_32, stdout: GARBLED_QUERY },
      { commandLine: EXPORT_PF_32(temp), effect: (args) => writeFile(args[2], encodeRegFileText(exportText('"Marker"=hex(0):'))) },
      { commandLine: QUERY_PF_32, stdout: GARBLED_QUERY },
      { commandLine: EXPORT_PF_32(temp), exitCode: 1, stderr: fixture('reg-not-found.stderr.txt') },
    ],
    { tempDirectory: temp },
  );
  const kept = await host.getRegistryKey(PF_KEY, '32');
  assert.equal(kept?.values[0].data, 'C:\\Program Files\\Soci\u201At\u201A\\PhoneFactor\\');
  assert.equal(await host.getRegistryKey(PF_KEY, '32'), undefined);
  runner.assertAllRan();
});
