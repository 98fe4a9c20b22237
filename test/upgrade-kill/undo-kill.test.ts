// Issue #25: an Undo killed before any of its writes goes on, when run again, to the same end: the lab of a server that
// was never upgraded. The approach of kill-everywhere.test.ts (the shared set-up is kill-harness.ts): one uninterrupted
// Undo runs in a real core with the write-point hook preloaded (kill-at-write.mjs), which copies the run's folder (lab +
// backups) before each write: the state a SIGKILL there leaves. Every one of those copies is put back in the run's
// place: outside the lab installers' transactions the Undo is run again by a real core; inside one, the copy is checked
// to roll back to where the transaction began (whose Undo is run in full). Some points are also killed for real, one
// inside an installer's transaction and undone in full.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { diffStates, LAB_INSTALLER_PATH, labStateAfterReinstall } from '../e2e/helpers';
import {
  countKinds,
  newLab,
  putBack,
  rollbackDivergences,
  runCore,
  runStatus,
  runWithSnapshots,
  snapshotOf,
  undoAndCompare,
  undoRequest,
  withInstallerRuns,
  type WritePoint,
} from './kill-harness';

let root: string;
let work: string;
let upgraded: string;
let snapshots: string;
let neverUpgraded: Record<string, string>;
let points: WritePoint[] = [];

const lab = () => path.join(work, 'lab');

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mfa-undo-kill-'));
  work = path.join(root, 'run');
  upgraded = path.join(root, 'upgraded');
  snapshots = path.join(root, 'snapshots');
  newLab(work, 'SingleServer');
  neverUpgraded = labStateAfterReinstall(lab());
  const up = runCore('invoke-upgrade', { ...undoRequest(work), InstallerPath: LAB_INSTALLER_PATH });
  assert.equal(up.envelope?.result?.[0].Status, 'Completed', runStatus(up));
  putBack(work, upgraded);
  const recorded = runWithSnapshots('undo-upgrade', undoRequest(work), work, snapshots);
  assert.equal(recorded.run.envelope?.result?.[0].Status, 'Completed', runStatus(recorded.run));
  assert.deepEqual(diffStates(neverUpgraded, labStateAfterReinstall(lab())), [], 'the uninterrupted Undo ends where a lab never upgraded is');
  points = recorded.points;
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('killed before any write of the Undo, the same Undo run again ends where a lab never upgraded is', async () => {
  const t0 = Date.now();
  const kinds = countKinds(points);
  assert.ok(kinds.journal >= 10 && kinds.installer >= 50, `the Undo announces its writes: ${JSON.stringify(kinds)}`);
  const divergences: string[] = [];
  let undone = 0;
  let rolledBack = 0;
  // As kill-everywhere: a copy inside an installer run must roll back, once the lab is opened, to the copy where that
  // run began, whose Undo is run in full; every other copy is undone in full.
  for (const { p, began } of withInstallerRuns(points)) {
    putBack(snapshotOf(snapshots, p), work);
    if (began) {
      divergences.push(...(await rollbackDivergences(work, snapshots, began, `#${p.n} before ${p.point}`)));
      rolledBack++;
    } else {
      divergences.push(...undoAndCompare(work, neverUpgraded, `#${p.n} before ${p.point}`));
      undone++;
    }
  }
  console.log(`undo-kill: all ${points.length} write points of the Undo (${JSON.stringify(kinds)}): ${undone} undone again in full, ${rolledBack} inside ` +
    `installer runs checked to roll back to their start; ${divergences.length} divergence(s); ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  assert.deepEqual(divergences, []);
});

test('the copies stand for kills: real SIGKILLs at writes of the Undo (inside an installer, the journal, a restore) end the same', () => {
  const picks = [
    points.find((p) => /installer-rollback[\\/]0+[1-9]/.test(p.point)),
    points.find((p) => /commit installer-rollback/.test(p.point) && p.n > points.length / 2),
    points.find((p) => /undo-journal\.json/.test(p.point) && p.n > points.length / 3),
    points.find((p) => /Phonefactor\.pfdata/i.test(p.point)),
  ].filter((p): p is WritePoint => p !== undefined);
  assert.ok(picks.length >= 3, `points to kill at were found: ${JSON.stringify(picks)}`);
  const divergences: string[] = [];
  for (const p of picks) {
    putBack(upgraded, work);
    const killed = runCore('undo-upgrade', undoRequest(work), { MFA_KILL_AT_WRITE: String(p.n) });
    assert.equal(killed.signal, 'SIGKILL', `killed at #${p.n} ${p.point}`);
    divergences.push(...undoAndCompare(work, neverUpgraded, `SIGKILL #${p.n} before ${p.point}`));
  }
  assert.deepEqual(divergences, []);
});
