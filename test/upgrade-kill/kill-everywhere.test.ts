// Issue #14: killed before ANY write the lab's installers and the journal make, -Resume ends exactly where an
// uninterrupted run ends, installer database (server.json) and registry included.
//
// How: one uninterrupted upgrade runs in a real core with the write-point hook preloaded (kill-at-write.mjs); at each
// write point the hook copies the run's folder (lab + backups) before the write: the state a SIGKILL there leaves.
// Each copy is then put back in the run's place and resumed by a real core (`invoke-upgrade` with Resume), and its
// lab compared with the uninterrupted run's. Some points are also killed for real (SIGKILL at that write), and two
// through the real cmdlets in pwsh, to show that the copies stand for kills.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import { diffStates, LAB_INSTALLER_PATH, labEndState } from '../e2e/helpers';
import {
  countKinds,
  KILL_PRELOAD,
  newLab,
  putBack as putBackInto,
  rollbackDivergences,
  runCore as core,
  runStatus as status,
  runWithSnapshots,
  snapshotOf,
  withInstallerRuns,
  type WritePoint,
} from './kill-harness';

let root: string;
let work: string;
let template: string;
let snapshots: string;
let reference: Record<string, string>;
let points: WritePoint[] = [];

const upgradeRequest = (resume: boolean) => ({ LabPath: path.join(work, 'lab'), InstallerPath: LAB_INSTALLER_PATH, BackupDestination: path.join(work, 'backups'), Resume: resume });

/** Resumes whatever is in the run's folder and answers the differences from the uninterrupted run (empty = same). */
function resumeAndCompare(label: string): string[] {
  const resumed = core('invoke-upgrade', upgradeRequest(true));
  const problems: string[] = [];
  if (resumed.envelope?.result?.[0].Status !== 'Completed') problems.push(`${label}: -Resume ended ${status(resumed)}`);
  for (const d of diffStates(reference, labEndState(path.join(work, 'lab')))) problems.push(`${label}: ${d}`);
  return problems;
}

const putBack = (from: string) => putBackInto(from, work);

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mfa-kill-everywhere-'));
  work = path.join(root, 'run');
  template = path.join(root, 'template');
  snapshots = path.join(root, 'snapshots');
  newLab(work, 'SingleServer');
  putBackInto(work, template);
  const recorded = runWithSnapshots('invoke-upgrade', upgradeRequest(false), work, snapshots);
  assert.equal(recorded.run.envelope?.result?.[0].Status, 'Completed', status(recorded.run));
  reference = labEndState(path.join(work, 'lab'));
  points = recorded.points;
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('killed before any write of the run, -Resume ends as the uninterrupted run does (lab, registry, installer database)', async () => {
  const t0 = Date.now();
  const kinds = countKinds(points);
  assert.ok(kinds.journal >= 10 && kinds.installer >= 50, `the run announces its writes: ${JSON.stringify(kinds)}`);
  const divergences: string[] = [];
  let resumed = 0;
  let rolledBack = 0;
  // A kill inside an installer's transaction must leave, once the lab is opened again, exactly the files there were when
  // it began (kill-harness.ts: withInstallerRuns): its -Resume is the -Resume of that point, which is run in full.
  for (const { p, began } of withInstallerRuns(points)) {
    putBack(snapshotOf(snapshots, p));
    if (began) {
      divergences.push(...(await rollbackDivergences(work, snapshots, began, `#${p.n} before ${p.point}`)));
      rolledBack++;
    } else {
      divergences.push(...resumeAndCompare(`#${p.n} before ${p.point}`));
      resumed++;
    }
  }
  console.log(`kill-everywhere: ${points.length} write points (${JSON.stringify(kinds)}): ${resumed} resumed in full, ${rolledBack} inside installer runs checked to roll back to their start; ${divergences.length} divergence(s); ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  assert.deepEqual(divergences, []);
});

test('the copies stand for kills: real SIGKILLs at writes inside installers and the journal resume the same way', () => {
  const inside = points.filter((p) => /installer-rollback[\\/]0+[1-9]/.test(p.point));
  const picks = [
    inside[0],
    inside[Math.floor(inside.length / 2)],
    inside.at(-1),
    points.find((p) => /commit installer-rollback/.test(p.point)),
    points.find((p) => /undo|lab[\\/]C[\\/].*web\.config/i.test(p.point)),
    points.find((p) => /journal\.json/.test(p.point) && p.n > points.length / 2),
  ].filter((p): p is WritePoint => p !== undefined);
  assert.ok(picks.length >= 5, 'points to kill at were found');
  const divergences: string[] = [];
  for (const p of picks) {
    putBack(template);
    const killed = core('invoke-upgrade', upgradeRequest(false), { MFA_KILL_AT_WRITE: String(p.n) });
    assert.equal(killed.signal, 'SIGKILL', `killed at #${p.n} ${p.point}`);
    divergences.push(...resumeAndCompare(`SIGKILL #${p.n} before ${p.point}`));
  }
  assert.deepEqual(divergences, []);
});

test('through the real cmdlets: pwsh runs Invoke-MfaServerUpgrade, its core is killed inside an installer, -Resume completes the same', async () => {
  const p = points.filter((x) => /installer-rollback[\\/]0+[1-9]/.test(x.point))[3];
  assert.ok(p);
  putBack(template);
  const ps = await openModuleSession(root);
  try {
    // The module starts its cores without NODE_OPTIONS (the environment must not change what the core runs), so the
    // hook comes in on node's command line: MFA_NODE names a node that preloads it.
    const node = path.join(work, 'node-with-kill-hook.sh');
    writeFileSync(node, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} --import ${JSON.stringify(KILL_PRELOAD)} "$@"\n`);
    chmodSync(node, 0o755);
    const script = String.raw`
$env:MFA_NODE = $V.node
if ($V.killAt) { $env:MFA_KILL_AT_WRITE = $V.killAt } else { Remove-Item Env:MFA_KILL_AT_WRITE -ErrorAction SilentlyContinue }
try { Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Resume:$V.resume -Confirm:$false }
finally { Remove-Item Env:MFA_NODE, Env:MFA_KILL_AT_WRITE -ErrorAction SilentlyContinue }`;
    const values = { node, lab: path.join(work, 'lab'), backups: path.join(work, 'backups'), installer: LAB_INSTALLER_PATH };
    const killed = await ps.run(script, { ...values, killAt: String(p.n), resume: false });
    assert.equal(killed.ok, false, 'the killed core is a terminating error');
    assert.ok(existsSync(path.join(work, 'lab', 'installer-rollback')), `killed inside an installer (#${p.n} ${p.point}): its rollback script is left`);
    const resumed = await ps.run(script, { ...values, killAt: '', resume: true });
    assert.ok(resumed.ok, resumed.terminatingError?.message);
    assert.equal((resumed.output as { Status: string }[])[0].Status, 'Completed');
    assert.deepEqual(diffStates(reference, labEndState(path.join(work, 'lab'))), []);
  } finally {
    await ps.close();
  }
});
