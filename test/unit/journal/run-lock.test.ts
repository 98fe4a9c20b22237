// One run at a time per run folder: a live holder refuses the second run; a holder that is gone is taken over.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { acquireRunLock, RUN_LOCK_FILE, type RunLockProbe } from '../../../core/journal/run-lock';
import { CoreError } from '../../../core/util/errors';

let folder: string;
beforeEach(() => (folder = mkdtempSync(path.join(os.tmpdir(), 'mfa-runlock-'))));
afterEach(() => rmSync(folder, { recursive: true, force: true }));

const lockFile = () => path.join(folder, RUN_LOCK_FILE);
const probe = (running: number[], bootTime = new Date(0)): RunLockProbe => ({ isRunning: (pid) => running.includes(pid), bootTime: () => bootTime });
const writeHolder = (o: object) => writeFileSync(lockFile(), JSON.stringify(o));
const holder = (pid: number, extra: object = {}) => ({ pid, computerName: os.hostname(), user: 'svc-deploy', startedUtc: '2026-11-27T10:00:00.000Z', ...extra });

test('the lock names its holder and is gone after release', async () => {
  const lock = await acquireRunLock(folder);
  const held = JSON.parse(readFileSync(lockFile(), 'utf8'));
  assert.equal(held.pid, process.pid);
  assert.equal(held.computerName, os.hostname());
  assert.equal(lock.tookOverFrom, undefined);
  await lock.release();
  assert.equal(existsSync(lockFile()), false);
});

test('a second run while the holder runs is refused with who holds it; the lock stays', async () => {
  writeHolder(holder(4242));
  await assert.rejects(acquireRunLock(folder, probe([4242])), (e: CoreError) => {
    assert.equal(e.code, 'RunInProgress');
    assert.match(e.message, /process 4242 of svc-deploy on .*since 2026-11-27T10:00:00\.000Z/);
    assert.match(e.message, /Nothing was done\. Wait for it to end, then run again with -Resume/);
    return true;
  });
  assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).pid, 4242);
});

test('a lock whose process is gone is taken over, and says whose it was', async () => {
  writeHolder(holder(4242));
  const lock = await acquireRunLock(folder, probe([]));
  assert.equal(lock.tookOverFrom?.pid, 4242);
  assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).pid, process.pid);
  await lock.release();
});

test('a lock from before the machine last started is stale even if its process number is in use again', async () => {
  writeHolder(holder(4242));
  const lock = await acquireRunLock(folder, probe([4242], new Date('2026-11-27T11:00:00Z')));
  assert.equal(lock.tookOverFrom?.pid, 4242);
  await lock.release();
});

test('a lock held from another machine counts as running (its processes cannot be checked from here)', async () => {
  writeHolder(holder(4242, { computerName: 'SOME-OTHER-HOST' }));
  await assert.rejects(acquireRunLock(folder, probe([])), (e: CoreError) => e.code === 'RunInProgress' && /on SOME-OTHER-HOST/.test(e.message));
});

test('a lock being written this moment (unreadable, fresh) refuses; an old unreadable one is taken over', async () => {
  writeFileSync(lockFile(), '{"pid":');
  await assert.rejects(acquireRunLock(folder, probe([])), (e: CoreError) => e.code === 'RunInProgress' && /another run starting at the same moment/.test(e.message));
  const old = new Date(Date.now() - 10 * 60_000);
  (await import('node:fs')).utimesSync(lockFile(), old, old);
  const lock = await acquireRunLock(folder, probe([]));
  assert.equal(lock.tookOverFrom, undefined);
  await lock.release();
});

test('release never removes a lock another run has taken since', async () => {
  const lock = await acquireRunLock(folder);
  writeHolder(holder(4242));
  await lock.release();
  assert.equal(JSON.parse(readFileSync(lockFile(), 'utf8')).pid, 4242);
});

test('a holder that has ended but was never collected by its parent (a zombie) is taken for gone', { skip: process.platform !== 'linux' }, async () => {
  // A perl that forks a child which exits at once, and never collects it: the child stays a zombie while perl sleeps.
  // (perl-base is part of every Debian system; a shell reaps its background jobs itself, so it cannot be used here.)
  const { spawn } = await import('node:child_process');
  const parent = spawn('perl', ['-e', '$| = 1; my $pid = fork(); exit 0 if $pid == 0; print "$pid\\n"; sleep 30;'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    const zombie = Number((await new Promise<Buffer>((r) => parent.stdout.once('data', r))).toString().trim());
    const state = () => readFileSync(`/proc/${zombie}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    for (let i = 0; i < 50 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(state(), 'Z', 'the test made a zombie');
    writeHolder(holder(zombie, { startedUtc: new Date().toISOString() }));
    const lock = await acquireRunLock(folder);
    assert.equal(lock.tookOverFrom?.pid, zombie);
    await lock.release();
  } finally {
    parent.kill();
  }
});
