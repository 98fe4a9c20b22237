// The spawn runner with real processes: a program that exits while a grandchild still holds its output pipes (as a
// console host or a program it started does on Windows) must end the wait; a program that overruns its time-out is
// stopped even when it ignores the request; what the runner waits for reaches the operation's watcher.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { watchCommands, type CommandWatchEvent } from '../../../../core/host/command-watch';
import { SpawnCommandRunner } from '../../../../core/host/windows/spawn-command-runner';

const leftBehind: number[] = [];
after(() => {
  for (const pid of leftBehind) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// A shell that starts a long sleep sharing its stdout and stderr, prints the sleep's pid and exits at once.
const EXIT_LEAVING_GRANDCHILD = 'sleep 120 & echo $!; echo done >&2; exit 3';

test('a program that exited ends the wait although a grandchild still holds its output pipes', { timeout: 60_000 }, async () => {
  const runner = new SpawnCommandRunner({ drainMs: 300 });
  const events: CommandWatchEvent[] = [];
  const result = await watchCommands((e) => events.push(e), () => runner.run('/bin/sh', ['-c', EXIT_LEAVING_GRANDCHILD], { timeoutMs: 90_000 }));
  const grandchild = Number(result.stdout.trim());
  leftBehind.push(grandchild);
  assert.equal(result.exitCode, 3);
  assert.equal(result.stderr, 'done\n', 'what the program wrote before it exited is kept');
  assert.ok(isRunning(grandchild), 'the wait ended while the grandchild was still running (it did not wait for the pipes to close)');
  assert.deepEqual(
    events.map((e) => e.kind),
    ['started', 'exited-output-held', 'ended'],
  );
  assert.equal(events[0].program, 'sh');
  assert.equal(events[0].timeoutMs, 90_000);
  assert.equal(events[0].pid, events[2].pid);
});

test('a program that overruns its time-out is stopped, even if it ignores the request and a grandchild holds its pipes', { timeout: 60_000 }, async () => {
  const runner = new SpawnCommandRunner({ drainMs: 300, killGraceMs: 300 });
  const events: CommandWatchEvent[] = [];
  // The shell ignores SIGTERM and waits for a grandchild that keeps the pipes open.
  const run = watchCommands((e) => events.push(e), () => runner.run('/bin/sh', ['-c', "trap '' TERM; sleep 120 & echo $! >&2; wait"], { timeoutMs: 500 }));
  await assert.rejects(run, (e: Error & { code?: string; details?: Record<string, unknown> }) => {
    assert.equal(e.code, 'CommandTimedOut');
    assert.match(e.message, /\/bin\/sh did not finish within 1 s and was stopped/);
    assert.equal(e.details?.timeoutMs, 500);
    return true;
  });
  assert.deepEqual(
    events.map((e) => e.kind),
    ['started', 'timed-out'],
  );
});

test('a long wait is reported while it lasts, with the command line as the caller shows it', { timeout: 60_000 }, async () => {
  // 30 reports' worth of run time: at least one arrives however loaded the machine is.
  const runner = new SpawnCommandRunner({ reportEveryMs: 100 });
  const events: CommandWatchEvent[] = [];
  await watchCommands(
    (e) => events.push(e),
    () => runner.run(process.execPath, ['-e', 'setTimeout(() => {}, 3000)'], { timeoutMs: 30_000, display: 'node (secret masked)' }),
  );
  const kinds = events.map((e) => e.kind);
  assert.equal(kinds[0], 'started');
  assert.ok(kinds.includes('still-running'), `a still-running report while it ran: ${kinds.join(', ')}`);
  assert.equal(kinds.at(-1), 'ended');
  assert.ok(events.every((e) => e.commandLine === 'node (secret masked)'));
});

test('without a watcher the runner works the same; a watcher that throws changes nothing', { timeout: 60_000 }, async () => {
  const runner = new SpawnCommandRunner();
  assert.equal((await runner.run('/bin/sh', ['-c', 'exit 0'], { timeoutMs: 30_000 })).exitCode, 0);
  const result = await watchCommands(
    () => {
      throw new Error('watcher broke');
    },
    () => runner.run('/bin/sh', ['-c', 'echo hi'], { timeoutMs: 30_000 }),
  );
  assert.deepEqual(result, { exitCode: 0, stdout: 'hi\n', stderr: '' });
});
