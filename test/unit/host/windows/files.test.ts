import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { RecordedCommandRunner } from './recorded-command-runner';

// The file methods use node fs on the path as given; on Linux only the platform-neutral behaviour can be checked.
const host = new WindowsHost({ runner: new RecordedCommandRunner([]), is64Bit: true, computerName: 'PF01' });

test('writeFileAtomic replaces the file and leaves no temp file beside it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'winhost-files-'));
  const target = join(dir, 'web.config');
  await writeFile(target, 'old');
  await host.writeFileAtomic(target, Buffer.from('new'));
  assert.equal(await readFile(target, 'utf8'), 'new');
  assert.deepEqual(await readdir(dir), ['web.config']);
});

test('stat of a missing path is undefined; directories and sizes are reported', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'winhost-files-'));
  assert.equal(await host.stat(join(dir, 'missing', 'x')), undefined);
  await host.makeDirectory(join(dir, 'a', 'b'));
  await host.writeFileAtomic(join(dir, 'a', 'f.txt'), Buffer.from('12345'));
  assert.equal((await host.stat(join(dir, 'a', 'f.txt')))?.size, 5);
  assert.equal((await host.stat(join(dir, 'a')))?.isDirectory, true);
  const entries = (await host.listDirectory(join(dir, 'a'))).sort((x, y) => x.name.localeCompare(y.name));
  assert.deepEqual(entries, [
    { name: 'b', isDirectory: true },
    { name: 'f.txt', isDirectory: false },
  ]);
  await host.removePath(join(dir, 'a'));
  assert.equal(await host.stat(join(dir, 'a')), undefined);
});

test('the local path of a Windows path is the path itself; identity fields come from the options', () => {
  assert.equal(host.localPath('C:\\Program Files\\PhoneFactor\\Data'), 'C:\\Program Files\\PhoneFactor\\Data');
  assert.equal(host.kind, 'windows');
  assert.equal(host.computerName, 'PF01');
});

test('writeFileAtomic sweeps a temp file a killed writer stranded beside the file, and keeps the file\'s mode', async () => {
  const { spawnSync } = await import('node:child_process');
  const { chmod, stat } = await import('node:fs/promises');
  const dir = await mkdtemp(join(tmpdir(), 'wh-files-'));
  const target = join(dir, 'web.config');
  await writeFile(target, 'old');
  await chmod(target, 0o600);
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  await writeFile(join(dir, `.web.config.${dead}.1700000000000.1.tmp`), 'password=x');
  await host.writeFileAtomic(target, Buffer.from('new'));
  assert.deepEqual(await readdir(dir), ['web.config']);
  assert.equal((await stat(target)).mode & 0o777, 0o600);
});
