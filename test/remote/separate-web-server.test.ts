// Issue #7: a SeparateWebServer upgrade across two remote servers. Two SSH targets on one loopback: sshd listens on
// 127.0.0.1 and 127.0.0.2 (both reach this machine), each "server" is one server folder of a far SeparateWebServer lab
// (MFA01 and WEB01). One -LabPath cannot name a different folder per server, so each server comes as its own pipeline
// object with ComputerName and LabPath (the batch cmdlets gather them into one run). One journal (on this machine)
// covers the run across both servers; the connection is cut mid-run and -Resume finishes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LoopbackSshd, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite, completedSteps } from '../helpers/remote-suite';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;
let lab: string;

before(async () => {
  if (skip) return;
  ({ sshd, ps, root } = await startRemoteSuite('mfa-remote-sws-', { prepare: (server) => server.listenAlsoOn('127.0.0.2') }));
  lab = path.join(root, 'far-lab');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SeparateWebServer | Out-Null', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  // The module is copied to the far side once here, so the two servers (one far folder) do not race to copy it.
  const warm = await ps.run('Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.server | Out-Null', { server: path.join(lab, 'MFA01') });
  assert.ok(warm.ok && warm.errors.length === 0, warm.terminatingError?.message ?? warm.errors[0]?.message);
});

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root });
});

/** The two far servers as pipeline objects: the address that reaches each, and its lab folder there. */
const TARGETS = `$targets = @([pscustomobject]@{ ComputerName = '127.0.0.1'; LabPath = $V.mfa }, [pscustomobject]@{ ComputerName = '127.0.0.2'; LabPath = $V.web })`;
const values = () => ({ mfa: path.join(lab, 'MFA01'), web: path.join(lab, 'WEB01'), backups: path.join(root, 'backups') });

interface Step {
  Id: string;
  ComputerName: string;
  Status: string;
}


test('inventory and plan span both remote servers; the plan names the servers by their own names', { skip }, async () => {
  const inv = await ps.run(`${TARGETS}; $targets | Get-PhoneFactorComponent`, values());
  assert.ok(inv.ok, inv.terminatingError?.message);
  assert.deepEqual(inv.errors.map((e) => e.message), []);
  const reached = (inv.output as { ComputerName: string; Component: string }[]).map((c) => `${c.ComputerName}:${c.Component}`);
  assert.ok(reached.includes('127.0.0.1:Agent') && reached.some((r) => r.startsWith('127.0.0.2:')), reached.join(', '));

  const plan = await ps.run(`${TARGETS}; $targets | Get-MfaUpgradePlan -InstallerPath 'C:\\Media\\MfaServer'`, values());
  assert.ok(plan.ok, plan.terminatingError?.message);
  assert.deepEqual(plan.errors.map((e) => e.message), []);
  const servers = new Set((plan.output as Step[]).map((s) => s.ComputerName));
  assert.deepEqual([...servers].sort(), ['MFA01', 'WEB01']);
});

test('Invoke-MfaServerUpgrade across both servers: cut mid-run, -Resume completes it from the one journal', { skip, timeout: 900_000 }, async () => {
  const v = values();
  const runFolder = path.join(v.backups, 'MfaServerUpgrade-MFA01+WEB01');
  const journal = path.join(runFolder, 'journal.json');
  const upgrade = `${TARGETS}; $targets | Invoke-MfaServerUpgrade -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $V.backups -Confirm:$false`;

  // Cut every session once both backups (one per server) are done and the run has moved on.
  let cut = false;
  const watcher = setInterval(() => {
    if (!cut && completedSteps(journal) >= 3) {
      cut = true;
      sshd.kill();
    }
  }, 50);
  const first = await ps.run(`${upgrade} -ErrorAction Continue`, v).finally(() => clearInterval(watcher));
  assert.ok(cut, 'the connection was cut during the run');
  assert.ok(first.ok, first.terminatingError?.message);
  const r1 = first.output[0] as { Status: string; Message: string; Steps: Step[]; LogPath: string | null };
  assert.equal(r1.Status, 'Failed', JSON.stringify(r1).slice(0, 800));
  assert.match(r1.Message, /\[127\.0\.0\.[12]\]/, 'the failure names the server');
  // By its class, however the cut landed (broken pipe, reset, EOF, time-out: core/host/remote/link-loss.ts): the code
  // the journal recorded for the failed step.
  const failed = (JSON.parse(readFileSync(journal, 'utf8')) as { Steps: { Status: string; Data: { ErrorCode?: string } }[] }).Steps.filter((s) => s.Status === 'Failed');
  assert.deepEqual(failed.map((s) => s.Data.ErrorCode), ['RemoteConnectionLost']);
  assert.match(r1.Message, /connection to 127\.0\.0\.[12] .*was lost/, 'and says the connection was lost');

  await sshd.resume();
  const second = await ps.run(`${upgrade} -Resume`, v);
  assert.ok(second.ok, second.terminatingError?.message);
  assert.deepEqual(second.errors.map((e) => e.message), []);
  const r2 = second.output[0] as { Status: string; ExitCode: number; Steps: Step[]; JournalPath: string; LogPath: string | null };
  const stepsOf = (r: { Steps: Step[] }) => r.Steps.map((s) => `${s.Id}: ${s.Status}`).join('\n');
  assert.equal(r2.Status, 'Completed', `first run:\n${stepsOf(r1)}\nresumed run:\n${stepsOf(r2)}\n${JSON.stringify(r2).slice(0, 600)}`);
  assert.deepEqual([...new Set(r2.Steps.map((s) => s.ComputerName))].sort(), ['MFA01', 'WEB01']);
  assert.ok(r2.Steps.every((s) => ['Completed', 'Skipped'].includes(s.Status)));
  assert.equal(r2.JournalPath, journal, 'one journal for the run across both servers');

  // The first server is remote: the engine's CMTrace log lives in the run folder beside the journal, and holds both runs.
  assert.equal(r2.LogPath, path.join(runFolder, 'MfaServerUpgrade.log'));
  const log = readFileSync(r2.LogPath, 'utf8');
  assert.match(log, /Upgrade Failed/);
  assert.match(log, /Upgrade Completed/);
  assert.ok(existsSync(journal));

  // Both far servers are upgraded: verified directly on the lab, not through the sessions.
  const check = await ps.run('Test-MfaServerUpgrade -LabPath $V.lab', { lab });
  assert.ok(check.ok, check.terminatingError?.message);
  const verdicts = check.output as { ComputerName: string; IsUpgraded: boolean; Failed: string[] }[];
  assert.deepEqual(verdicts.map((x) => [x.ComputerName, x.IsUpgraded, x.Failed]), [
    ['MFA01', true, []],
    ['WEB01', true, []],
  ]);
});
