// Issue #7: an upgrade of a far lab through PowerShell remoting over SSH (loopback) whose connection is lost in the
// middle (sshd and every session killed once the journal shows completed steps), then -Resume with sshd back: done.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LoopbackSshd, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite, completedSteps, FAR_LAB_UPGRADE } from '../helpers/remote-suite';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;

before(async () => {
  if (skip) return;
  ({ sshd, ps, root } = await startRemoteSuite('mfa-remote-upgrade-'));
});

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root });
});

interface Result {
  Status: string;
  ExitCode: number;
  Message: string;
  Steps: { Id: string; Status: string }[];
}

const UPGRADE = FAR_LAB_UPGRADE;

test('a connection lost mid-upgrade fails the run cleanly; -Resume after the server is back completes it', { skip, timeout: 900_000 }, async () => {
  const lab = path.join(root, 'far-lab');
  const backups = path.join(root, 'backups');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  const journal = path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json');

  // Kill sshd (and the sessions it forked) as soon as the journal shows two completed steps.
  let killedAfter = -1;
  const watcher = setInterval(() => {
    const done = completedSteps(journal);
    if (done >= 2 && killedAfter < 0) {
      killedAfter = done;
      sshd.kill();
    }
  }, 50);
  const first = await ps.run(`${UPGRADE} -ErrorAction Continue`, { lab, backups }).finally(() => clearInterval(watcher));
  assert.ok(killedAfter >= 2, 'the connection was cut after some steps completed');
  assert.ok(first.ok, first.terminatingError?.message);
  const r1 = first.output[0] as Result;
  assert.equal(r1.Status, 'Failed', JSON.stringify(r1).slice(0, 1000));
  assert.match(r1.Message, /\[127\.0\.0\.1\]/, 'the failure names the server');
  assert.match(r1.Message, /RemoteConnectionLost|connection to 127\.0\.0\.1 .*was lost|Cannot open/);
  assert.ok(r1.Steps.some((s) => s.Status === 'Completed') && r1.Steps.some((s) => s.Status !== 'Completed'));

  await sshd.resume();
  const second = await ps.run(`${UPGRADE} -Resume`, { lab, backups });
  assert.ok(second.ok, second.terminatingError?.message);
  assert.deepEqual(second.errors.map((e) => e.message), []);
  const r2 = second.output[0] as Result;
  assert.ok(['Completed'].includes(r2.Status), JSON.stringify(r2).slice(0, 1500));
  assert.ok([0, 3010].includes(r2.ExitCode));
  assert.ok(r2.Steps.every((s) => ['Completed', 'Skipped'].includes(s.Status)));

  // The far lab is upgraded: verified directly (not through the session).
  const check = await ps.run('Test-MfaServerUpgrade -LabPath $V.lab', { lab });
  assert.ok(check.ok, check.terminatingError?.message);
  const verdict = check.output[0] as { IsUpgraded: boolean; Failed: string[] };
  assert.equal(verdict.IsUpgraded, true, JSON.stringify(verdict.Failed));
  assert.ok(existsSync(journal));
});
