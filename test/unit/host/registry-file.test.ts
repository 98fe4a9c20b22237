import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  RegistryTree,
  decodeRegFileBytes,
  encodeRegFileText,
  exportRegistrySubtree,
  formatValue,
  parseRegFile,
  toRegFilePath,
} from '../../../core/host/registry-file';
import { isCoreError } from '../../../core/util/errors';

const sample = [
  'Windows Registry Editor Version 5.00',
  '',
  '[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Positive Networks\\PhoneFactor]',
  '"InstallPath"="C:\\\\Program Files\\\\PhoneFactor\\\\"',
  '"Quoted"="say \\"hi\\""',
  '@="default"',
  '"Port"=dword:0000001f',
  '"Big"=hex(b):00,00,00,00,01,00,00,00',
  '"Paths"=hex(7):61,00,00,00,62,00,63,00,00,00,00,00',
  '"Expand"=hex(2):25,00,53,00,79,00,73,00,74,00,65,00,6d,00,44,00,72,00,69,00,76,00,\\',
  '  65,00,25,00,00,00',
  '"Blob"=hex:de,ad,be,ef',
  '',
  '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Doomed\\Child]',
  '"x"="y"',
  '',
  '[-HKEY_LOCAL_MACHINE\\SOFTWARE\\Doomed]',
  '',
].join('\r\n');

test('parses every value type of a regedit 5.00 file', () => {
  const tree = RegistryTree.parse(sample, 'sample.reg');
  const key = tree.getKey('hkey_local_machine\\software\\wow6432node\\positive networks\\phonefactor');
  assert.ok(key);
  const v = Object.fromEntries(key.values.map((x) => [x.name, x]));
  assert.deepEqual(v.InstallPath, { name: 'InstallPath', type: 'REG_SZ', data: 'C:\\Program Files\\PhoneFactor\\' });
  assert.equal(v.Quoted.data, 'say "hi"');
  assert.equal(v[''].data, 'default');
  assert.deepEqual(v.Port, { name: 'Port', type: 'REG_DWORD', data: 31 });
  assert.deepEqual(v.Big, { name: 'Big', type: 'REG_QWORD', data: 2 ** 32 });
  assert.deepEqual(v.Paths.data, ['a', 'bc']);
  assert.deepEqual(v.Expand, { name: 'Expand', type: 'REG_EXPAND_SZ', data: '%SystemDrive%' });
  assert.deepEqual(v.Blob, { name: 'Blob', type: 'REG_BINARY', data: 'de,ad,be,ef' });
  assert.equal(tree.getKey('HKEY_LOCAL_MACHINE\\SOFTWARE\\Doomed'), undefined, '[-key] deletes the key');
  assert.equal(tree.getKey('HKEY_LOCAL_MACHINE\\SOFTWARE\\Doomed\\Child'), undefined, '[-key] deletes its subtree');
});

test('round trip: format → parse gives the same keys and values; UTF-16LE with BOM and CRLF', () => {
  const tree = RegistryTree.parse(sample, 'sample.reg');
  const text = tree.format();
  assert.ok(text.startsWith('Windows Registry Editor Version 5.00\r\n\r\n'));
  assert.ok(!/[^\r]\n/.test(text), 'every line ends with CRLF');
  const bytes = encodeRegFileText(text);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xfe]);
  const again = RegistryTree.parse(decodeRegFileBytes(bytes), 'again.reg');
  assert.deepEqual(again.all(), tree.all());
  assert.equal(again.format(), text, 'formatting is stable');
});

test('long hex data is wrapped with backslash continuations and reads back', () => {
  const value = { name: 'Long', type: 'REG_MULTI_SZ' as const, data: ['C:\\Program Files\\Multi-Factor Authentication Server', 'second'] };
  const line = formatValue(value);
  assert.ok(line.includes('\\\r\n  '), 'wrapped');
  assert.ok(line.split('\r\n').every((l) => l.length <= 80));
  const tree = RegistryTree.parse(`Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n${line}\r\n`, 'w.reg');
  assert.deepEqual(tree.getKey('HKEY_LOCAL_MACHINE\\SOFTWARE\\X')?.values[0], value);
});

test('accepts UTF-8 (with or without BOM) and LF line ends', () => {
  const utf8 = Buffer.from('\uFEFFWindows Registry Editor Version 5.00\n\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Z]\n"Name"="Zürich"\n', 'utf8');
  const tree = RegistryTree.parse(decodeRegFileBytes(utf8), 'u.reg');
  assert.equal(tree.getKey('HKEY_LOCAL_MACHINE\\SOFTWARE\\Z')?.values[0].data, 'Zürich');
});

test('a malformed file names the file and the line', () => {
  const bad = 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n"ok"="1"\r\n"broken"=dword:xyz\r\n';
  assert.throws(
    () => parseRegFile(bad, '/labs/one/registry.reg'),
    (e: unknown) => isCoreError(e) && e.code === 'RegistryFileMalformed' && e.details.line === 5 && e.message.includes('/labs/one/registry.reg, line 5'),
  );
  assert.throws(
    () => parseRegFile('REGEDIT4\r\n', 'old.reg'),
    (e: unknown) => isCoreError(e) && e.code === 'RegistryFileMalformed' && e.details.line === 1,
  );
  assert.throws(
    () => parseRegFile('Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n', 'h.reg'),
    (e: unknown) => isCoreError(e) && e.details.line === 3,
  );
});

test('maps Host keys and views to export paths, case-insensitively', () => {
  assert.equal(toRegFilePath('HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor', '32'), 'HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Positive Networks\\PhoneFactor');
  assert.equal(toRegFilePath('hklm\\software\\X', '32'), 'HKEY_LOCAL_MACHINE\\software\\WOW6432Node\\X');
  assert.equal(toRegFilePath('HKLM\\SOFTWARE\\X', '64'), 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X');
  assert.equal(toRegFilePath('HKLM\\SYSTEM\\X', '32'), 'HKEY_LOCAL_MACHINE\\SYSTEM\\X', 'only SOFTWARE is redirected');
  assert.equal(toRegFilePath('HKLM\\SOFTWARE\\X', '32', false), 'HKEY_LOCAL_MACHINE\\SOFTWARE\\X', '32-bit Windows has no WOW6432Node');
});

test('export of a key holds the key and its subtree only', () => {
  const tree = new RegistryTree();
  tree.setValue('HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B', { name: 'v', type: 'REG_SZ', data: '1' });
  tree.setValue('HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B\\C', { name: 'w', type: 'REG_DWORD', data: 2 });
  tree.setValue('HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\BB', { name: 'other', type: 'REG_SZ', data: 'no' });
  const text = exportRegistrySubtree(tree, 'HKEY_LOCAL_MACHINE\\SOFTWARE\\a\\b');
  assert.match(text, /\[HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B\]\r\n"v"="1"/);
  assert.match(text, /\[HKEY_LOCAL_MACHINE\\SOFTWARE\\A\\B\\C\]\r\n"w"=dword:00000002/);
  assert.ok(!text.includes('other'), 'a sibling with a common prefix is not part of the subtree');
  assert.deepEqual(tree.subkeyNames('HKEY_LOCAL_MACHINE\\SOFTWARE\\A'), ['B', 'BB']);
});
