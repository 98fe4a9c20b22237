import assert from 'node:assert/strict';
import { copyFile } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { listInstalledProducts, readInstalledProducts, UNINSTALL_KEY, type InstalledProductWarning } from '../../../../core/host/installed-products';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { FIXTURES, fixture, REG, RecordedCommandRunner, type RecordedCommand } from './recorded-command-runner';
import { CoreError } from '../../../../core/util/errors';
import type { Host } from '../../../../core/host/host';

const AGENT = '{B8F2D0E4-3A5C-4F61-9E2B-7C1D0A4E6F38}';
const PORTAL = '{9C2E5A31-6D0F-4B8E-A7F1-2E4D6B8C0A15}';
const CORRUPT = '{C3A1E7B2-5D4F-4A60-8B19-0E2F6D7A9C54}';
const VCREDIST = '{1D8E6291-B0D5-35EC-8441-6616F567A0F7}';

const entry = (name: string, view: '32' | '64', stdoutFile: string): RecordedCommand => ({
  commandLine: `${REG} query ${UNINSTALL_KEY}\\${name} /reg:${view}`,
  stdout: fixture(stdoutFile),
});

const TEMP = mkdtempSync(join(tmpdir(), 'mfa-products-'));
const exportCommand = (view: '32' | '64') => `${REG} export ${UNINSTALL_KEY} ${join(TEMP, 'mfa-reg-export-r1.reg')} /y /reg:${view}`;

/** The list exported in one go: reg export writes the fixture file. */
const exported = (view: '32' | '64', file: string): RecordedCommand => ({
  commandLine: exportCommand(view),
  effect: (args) => copyFile(join(FIXTURES, file), args[2]),
});

/** reg export refused (a part of the list is closed): the parent key shows the list exists, so entries are read one by one. */
const exportRefused = (view: '32' | '64'): RecordedCommand[] => [
  { commandLine: exportCommand(view), exitCode: 1, stderr: fixture('reg-access-denied.stderr.txt') },
  { commandLine: `${REG} query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion /reg:${view}`, stdout: `\r\n${UNINSTALL_KEY.replace('HKLM', 'HKEY_LOCAL_MACHINE')}\r\n` },
];

/** What reg.exe answers, entry by entry, on a server with the User portal (64-bit) and PhoneFactor Agent (32-bit). */
function serverScript(): RecordedCommand[] {
  return [
    ...exportRefused('64'),
    { commandLine: `${REG} query ${UNINSTALL_KEY} /reg:64`, stdout: fixture('reg-query-uninstall-64.txt') },
    entry(VCREDIST, '64', 'reg-query-uninstall-vcredist-64.txt'),
    entry(PORTAL, '64', 'reg-query-uninstall-user-portal-64.txt'),
    entry('AddressBook', '64', 'reg-query-uninstall-addressbook-64.txt'),
    entry('Notepad++', '64', 'reg-query-uninstall-notepadpp-64.txt'),
    ...exportRefused('32'),
    { commandLine: `${REG} query ${UNINSTALL_KEY} /reg:32`, stdout: fixture('reg-query-uninstall-32.txt') },
    entry(AGENT, '32', 'reg-query-uninstall-phonefactor-agent-32.txt'),
    entry(CORRUPT, '32', 'reg-query-uninstall-corrupt-dword-32.txt'),
  ];
}

function hostWith(script: RecordedCommand[], is64Bit = true) {
  const runner = new RecordedCommandRunner(script);
  return { runner, host: new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit, tempDirectory: TEMP, randomId: () => 'r1' }) };
}

test('each view\'s list is read with one reg export (UTF-16, exact text), whatever path the export names the 32-bit view by', async () => {
  const { runner, host } = hostWith([exported('64', 'reg-export-uninstall-64.reg'), exported('32', 'reg-export-uninstall-32.reg')]);
  const { products, warnings } = await readInstalledProducts(host);
  runner.assertAllRan();
  assert.equal(runner.issued.length, 2, 'one program run per view instead of one per entry');
  assert.deepEqual(
    products.map((p) => [p.view, p.keyName, p.displayName, p.productCode, p.installLocation]),
    [
      ['64', VCREDIST, 'Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219', VCREDIST, undefined],
      ['64', PORTAL, 'PhoneFactor User Portal', PORTAL, 'C:\\inetpub\\wwwroot\\PhoneFactor\\'],
      ['64', 'Notepad++', 'Notepad++ (64-bit x64)', undefined, undefined],
      ['32', AGENT, 'PhoneFactor Agent', AGENT, 'C:\\Program Files\\PhoneFactor\\'],
    ],
  );
  assert.equal(products.find((p) => p.keyName === AGENT)?.uninstallString, `MsiExec.exe /X${AGENT}`, 'REG_EXPAND_SZ decoded from hex(2)');
  assert.deepEqual(warnings, []);
});

test('an export whose file cannot be read is not trusted: the entries are read one by one', async () => {
  const { runner, host } = hostWith(
    [
      { commandLine: exportCommand('32'), effect: (args) => copyFile(join(FIXTURES, 'reg-query-uninstall-32.txt'), args[2]) },
      { commandLine: `${REG} query ${UNINSTALL_KEY} /reg:32`, stdout: fixture('reg-query-uninstall-32.txt') },
      entry(AGENT, '32', 'reg-query-uninstall-phonefactor-agent-32.txt'),
      entry(CORRUPT, '32', 'reg-query-uninstall-corrupt-dword-32.txt'),
    ],
    false,
  );
  const { products, warnings } = await readInstalledProducts(host);
  runner.assertAllRan();
  assert.deepEqual(products.map((p) => p.displayName), ['PhoneFactor Agent']);
  assert.equal(warnings.length, 1);
});

test('when reg export is refused, products of both views are read entry by entry, skipping entries without DisplayName, and the damaged one is warned about', async () => {
  const { runner, host } = hostWith(serverScript());
  const { products, warnings } = await readInstalledProducts(host);
  runner.assertAllRan();

  assert.deepEqual(
    products.map((p) => [p.view, p.keyName, p.displayName]),
    [
      ['64', VCREDIST, 'Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219'],
      ['64', PORTAL, 'PhoneFactor User Portal'],
      ['64', 'Notepad++', 'Notepad++ (64-bit x64)'],
      ['32', AGENT, 'PhoneFactor Agent'],
    ],
  );
  assert.deepEqual(products.find((p) => p.keyName === AGENT), {
    productCode: AGENT,
    keyName: AGENT,
    displayName: 'PhoneFactor Agent',
    displayVersion: '5.0.3.3',
    publisher: 'PhoneFactor',
    installLocation: 'C:\\Program Files\\PhoneFactor\\',
    uninstallString: `MsiExec.exe /X${AGENT}`,
    isWindowsInstaller: true,
    view: '32',
  });
  assert.deepEqual(products.find((p) => p.keyName === 'Notepad++'), {
    productCode: undefined,
    keyName: 'Notepad++',
    displayName: 'Notepad++ (64-bit x64)',
    displayVersion: '8.6.2',
    publisher: 'Notepad++ Team',
    installLocation: undefined,
    uninstallString: '"C:\\Program Files\\Notepad++\\uninstall.exe"',
    isWindowsInstaller: false,
    view: '64',
  });
  assert.equal(products.find((p) => p.keyName === VCREDIST)?.installLocation, undefined, 'an empty InstallLocation is no location');

  assert.equal(warnings.length, 1);
  assert.equal(warnings[0].keyName, CORRUPT);
  assert.equal(warnings[0].view, '32');
  assert.match(warnings[0].message, /WindowsInstaller/);
});

test('listInstalledProducts hands the warnings to the caller', async () => {
  const { host } = hostWith(serverScript());
  const seen: InstalledProductWarning[] = [];
  const products = await listInstalledProducts(host, (w) => seen.push(w));
  assert.equal(products.length, 4);
  assert.deepEqual(seen.map((w) => w.keyName), [CORRUPT]);
});

test('a view without an Uninstall key contributes nothing; a failure to read the list itself is not hidden', async () => {
  const notFound = { exitCode: 1, stderr: fixture('reg-not-found.stderr.txt') };
  const denied = { exitCode: 1, stderr: fixture('reg-access-denied.stderr.txt') };
  const { host } = hostWith([
    { commandLine: exportCommand('64'), ...notFound },
    ...exportRefused('32'),
    { commandLine: `${REG} query ${UNINSTALL_KEY} /reg:32`, stdout: fixture('reg-query-uninstall-32.txt') },
    entry(AGENT, '32', 'reg-query-uninstall-phonefactor-agent-32.txt'),
    // the second entry vanished between the listing and its read
    { commandLine: `${REG} query ${UNINSTALL_KEY}\\${CORRUPT} /reg:32`, ...notFound },
  ]);
  const { products, warnings } = await readInstalledProducts(host);
  assert.deepEqual(products.map((p) => p.keyName), [AGENT]);
  assert.deepEqual(warnings, []);

  const { host: deniedHost } = hostWith([
    ...exportRefused('64'),
    { commandLine: `${REG} query ${UNINSTALL_KEY} /reg:64`, ...denied },
    // reg.exe's words are not trusted to tell "denied" from "missing": the parent is asked whether it lists the key
    { commandLine: `${REG} query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion /reg:64`, stdout: `\r\n${UNINSTALL_KEY.replace('HKLM', 'HKEY_LOCAL_MACHINE')}\r\n` },
  ]);
  await assert.rejects(readInstalledProducts(deniedHost), { code: 'RegistryReadFailed' });
});

test('on 32-bit Windows the single registry view is read once', async () => {
  const { runner, host } = hostWith(
    [
      ...exportRefused('32'),
      { commandLine: `${REG} query ${UNINSTALL_KEY} /reg:32`, stdout: fixture('reg-query-uninstall-32.txt') },
      entry(AGENT, '32', 'reg-query-uninstall-phonefactor-agent-32.txt'),
      entry(CORRUPT, '32', 'reg-query-uninstall-corrupt-dword-32.txt'),
    ],
    false,
  );
  const products = await listInstalledProducts(host);
  runner.assertAllRan();
  assert.deepEqual(products.map((p) => p.displayName), ['PhoneFactor Agent']);
});

test('a lost connection while reading one entry fails the listing instead of hiding that product', async () => {
  // Skipping it would make an installed product look removed: an upgrade step would then take it as already uninstalled.
  const host = {
    is64Bit: false,
    async exportRegistryKey(key: string) {
      throw new CoreError('RegistryExportFailed', 'Exporting the list failed: reg.exe exited with 1.', key);
    },
    async getRegistryKey(key: string) {
      if (key.endsWith('\\Uninstall')) return { path: key, values: [], subkeys: ['{A}', '{B}'] };
      if (key.endsWith('{A}')) return { path: key, values: [{ name: 'DisplayName', type: 'REG_SZ', data: 'PhoneFactor Agent' }], subkeys: [] };
      throw new CoreError('RemoteConnectionLost', '[WEB01] The connection to WEB01 was lost.', 'WEB01');
    },
  } as unknown as Host;
  await assert.rejects(readInstalledProducts(host), (e: CoreError) => e.code === 'RemoteConnectionLost');
  const lostDuringExport = {
    ...host,
    async exportRegistryKey() {
      throw new CoreError('RemoteConnectionLost', '[WEB01] The connection to WEB01 was lost.', 'WEB01');
    },
  } as unknown as Host;
  await assert.rejects(readInstalledProducts(lostDuringExport), (e: CoreError) => e.code === 'RemoteConnectionLost', 'a lost export is not an empty list');

  const damaged = {
    ...host,
    async getRegistryKey(key: string) {
      if (key.endsWith('{B}')) throw new CoreError('RegistryReadFailed', 'Reading {B} failed: reg.exe exited with 1: ERROR: Access is denied.', key);
      return host.getRegistryKey(key, '32');
    },
  } as unknown as Host;
  const { products, warnings } = await readInstalledProducts(damaged);
  assert.deepEqual(products.map((p) => p.displayName), ['PhoneFactor Agent']);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0].message, /Access is denied/);
});
