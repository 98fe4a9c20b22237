// writeFileAtomic: a temp file stranded by a killed writer (it may hold a web.config's SDK password) is swept by the
// next write of the same file; a live writer's temp file is left alone; the temp file never widens the permissions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../../core/util/atomic-write';

test('the next write of a file sweeps temp files a killed writer left beside it, and only those', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-atomic-'));
  const target = path.join(dir, 'web.config');
  writeFileSync(target, '<configuration/>');
  chmodSync(target, 0o600);
  // A pid that surely ended: a child process that has exited.
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  const stranded = path.join(dir, `.web.config.${dead}.1700000000000.1.tmp`);
  const live = path.join(dir, `.web.config.${process.ppid}.1700000000000.2.tmp`);
  const other = path.join(dir, `.other.config.${dead}.1700000000000.1.tmp`);
  for (const f of [stranded, live, other]) writeFileSync(f, 'password=x');
  await writeFileAtomic(target, '<configuration></configuration>');
  assert.equal(existsSync(stranded), false, 'the stranded temp file is gone');
  assert.equal(existsSync(live), true, 'a live writer keeps its temp file');
  assert.equal(existsSync(other), true, 'another file\'s temp files are not this writer\'s');
  assert.equal(statSync(target).mode & 0o777, 0o600, 'the replaced file keeps its permissions');
  assert.deepEqual(readdirSync(dir).sort(), [path.basename(live), path.basename(other), 'web.config'].sort());
});
