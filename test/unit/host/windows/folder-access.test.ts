// Host.closeFolder on Windows: the exact icacls commands (ownership first, then Administrators and SYSTEM only, both
// over the whole tree), a refusal that names the folder when icacls fails, and DirectoryNotFound for a missing folder.
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { RecordedCommandRunner } from './recorded-command-runner';

const ICACLS = 'C:\\Windows\\System32\\icacls.exe';

test('closeFolder takes ownership for Administrators, then leaves only Administrators and SYSTEM, over the whole tree', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'winhost-acl-'));
  const runner = new RecordedCommandRunner([
    { commandLine: `${ICACLS} ${dir} /setowner *S-1-5-32-544 /T /C`, stdout: 'processed file: ...' },
    { commandLine: `${ICACLS} ${dir} /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F /T`, stdout: 'Successfully processed 1 files' },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, computerName: 'WEB01' });
  await host.closeFolder(dir);
  runner.assertAllRan();
});

test('closeFolder: icacls failing is FolderNotProtected naming the folder and what icacls said; nothing after it runs', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'winhost-acl-'));
  const runner = new RecordedCommandRunner([
    { commandLine: `${ICACLS} ${dir} /setowner *S-1-5-32-544 /T /C`, exitCode: 5, stderr: `${dir}: Access is denied.\r\nSuccessfully processed 0 files` },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, computerName: 'WEB01' });
  await assert.rejects(host.closeFolder(dir), (e: Error & { code?: string }) => {
    assert.equal(e.code, 'FolderNotProtected');
    assert.ok(e.message.includes(dir) && e.message.includes('WEB01') && e.message.includes('Access is denied.'), e.message);
    assert.doesNotMatch(e.message, /Successfully processed/, 'one line of what icacls said');
    return true;
  });
  runner.assertAllRan();
});

test('closeFolder of a folder that is not there is DirectoryNotFound, and icacls is not started', async () => {
  const runner = new RecordedCommandRunner([]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', is64Bit: true, computerName: 'WEB01' });
  await assert.rejects(host.closeFolder(join(tmpdir(), 'no-such-folder-mfa')), /DirectoryNotFound|does not exist/);
  assert.deepEqual(runner.issued, []);
});
