import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isCoreError } from '../../../../core/util/errors';
import { listWebApplications } from '../../../../core/host/iis';
import { newLab } from './helpers';

test('paths are case-insensitive; new components keep the given case', async () => {
  const { path, hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  const a = await host.readFile('c:\\PROGRAM FILES\\phonefactor\\DATA\\PhoneFactor.pfdata');
  const b = await host.readFile('C:\\Program Files\\PhoneFactor\\Data\\Phonefactor.pfdata');
  assert.ok(a.equals(b));
  assert.equal(host.localPath('c:/program files/phonefactor/data/PHONEFACTOR.PFDATA'), join(path, 'C', 'Program Files', 'PhoneFactor', 'Data', 'Phonefactor.pfdata'));
  await host.makeDirectory('C:\\PROGRAM FILES\\PhoneFactor\\New Folder');
  await host.writeFileAtomic('C:\\PROGRAM FILES\\PhoneFactor\\New Folder\\Note.TXT', Buffer.from('x'));
  assert.ok(existsSync(join(path, 'C', 'Program Files', 'PhoneFactor', 'New Folder', 'Note.TXT')), 'existing folders reused, new ones spelled as given');
  await host.writeFileAtomic('c:\\program files\\phonefactor\\new folder\\note.txt', Buffer.from('y'));
  assert.deepEqual(await readdir(join(path, 'C', 'Program Files', 'PhoneFactor', 'New Folder')), ['Note.TXT'], 'overwrites the same file, no temp file left');
  assert.equal((await host.stat('C:\\Program Files\\PhoneFactor\\New Folder\\NOTE.txt'))?.size, 1);
  assert.equal(await host.stat('C:\\Nope\\x'), undefined);
  await assert.rejects(host.readFile('C:\\Nope\\x'), (e: unknown) => isCoreError(e) && e.code === 'FileNotFound');
  await host.removePath('c:\\program files\\phonefactor\\NEW FOLDER');
  assert.ok(!existsSync(join(path, 'C', 'Program Files', 'PhoneFactor', 'New Folder')));
});

test('any path that is not a Windows drive path is refused with LabPathOutside', async () => {
  const { hosts } = await newLab('AgentOnly');
  for (const p of ['/etc/passwd', 'relative\\path', '\\\\server\\share\\x', '']) {
    assert.throws(() => hosts[0].localPath(p), (e: unknown) => isCoreError(e) && e.code === 'LabPathOutside', p);
  }
  // '..' never climbs above the drive root.
  assert.ok(hosts[0].localPath('C:\\..\\..\\x').endsWith(join('C', 'x')));
});

test('registry: both views, values of every type, delete and export', async () => {
  const { hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  const key = 'HKLM\\SOFTWARE\\Contoso\\Test';
  await host.setRegistryValue(key, '32', { name: 'Multi', type: 'REG_MULTI_SZ', data: ['a', 'Zürich'] });
  await host.setRegistryValue(key, '32', { name: 'Q', type: 'REG_QWORD', data: 5 });
  await host.setRegistryValue(key, '64', { name: 'Only64', type: 'REG_SZ', data: 'x' });
  const k32 = await host.getRegistryKey('hklm\\software\\contoso\\test', '32');
  assert.deepEqual(k32?.values, [
    { name: 'Multi', type: 'REG_MULTI_SZ', data: ['a', 'Zürich'] },
    { name: 'Q', type: 'REG_QWORD', data: 5 },
  ]);
  assert.deepEqual((await host.getRegistryKey(key, '64'))?.values.map((v) => v.name), ['Only64'], 'the views are separate');
  const exported = await host.exportRegistryKey(key, '32');
  assert.match(exported, /^Windows Registry Editor Version 5\.00\r\n\r\n\[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Contoso\\Test\]\r\n"Multi"=hex\(7\):/);
  await host.deleteRegistryKey('HKLM\\SOFTWARE\\Contoso', '32');
  assert.equal(await host.getRegistryKey(key, '32'), undefined);
  assert.ok(await host.getRegistryKey(key, '64'));
  await assert.rejects(host.exportRegistryKey(key, '32'), (e: unknown) => isCoreError(e) && e.code === 'RegistryKeyNotFound');
});

test('a malformed registry.reg or applicationHost.config names the file and line', async () => {
  const { path, hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const reg = join(path, 'registry.reg');
  const lines = (await readFile(reg)).toString('utf16le').split('\r\n');
  lines.splice(5, 0, '"Broken"=dword:zz');
  await writeFile(reg, Buffer.from('\uFEFF' + lines.join('\r\n'), 'utf16le'));
  await assert.rejects(
    host.getRegistryKey('HKLM\\SOFTWARE', '64'),
    (e: unknown) => isCoreError(e) && e.code === 'RegistryFileMalformed' && e.details.line === 6 && e.message.includes(reg),
  );
  const appHost = join(path, 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config');
  const cfg = await readFile(appHost, 'utf8');
  await writeFile(appHost, cfg.replace('</sites>', '</site>'));
  await assert.rejects(
    listWebApplications(host),
    (e: unknown) => isCoreError(e) && e.code === 'IisConfigMalformed' && e.message.includes(appHost) && typeof e.details.line === 'number',
  );
});

test('services: state changes persist; unknown service is an error', async () => {
  const { hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  await host.stopService('pfsvc');
  assert.equal((await host.getService('PFSVC'))?.state, 'Stopped');
  await host.startService('PFSVC');
  assert.equal((await host.getService('PFSVC'))?.state, 'Running');
  await assert.rejects(host.stopService('NoSuch'), (e: unknown) => isCoreError(e) && e.code === 'ServiceNotFound');
});

test('concurrent registry writes through one host are all kept', async () => {
  const { hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  await Promise.all(
    Array.from({ length: 12 }, (_, i) => host.setRegistryValue('HKLM\\SOFTWARE\\Contoso', '64', { name: `v${i}`, type: 'REG_DWORD', data: i })),
  );
  assert.equal((await host.getRegistryKey('HKLM\\SOFTWARE\\Contoso', '64'))?.values.length, 12);
});
