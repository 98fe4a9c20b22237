// Issue #25: wherever an upgrade stops, Undo-MfaServerUpgrade takes every server of the lab back to a lab that was never
// upgraded (files by hash, registry, products, IIS: labStateAfterReinstall). Used by the undo-from-upgrade-*.test.ts
// files, one scenario per test (two files, so each stays well within a test file's time limit).
//
// How (kill-harness.ts, as kill-everywhere.test.ts does for -Resume): one uninterrupted upgrade of the scenario runs in
// a real core that copies the run's folder (lab + backups) before each of its writes: the state a SIGKILL at that
// write leaves. Each copy is put back in the run's place, and:
// - outside the lab installers' transactions, a real core runs the Undo on it: among these, the stop after each step
//   (the first copy whose journal shows that step Completed, nothing of the next begun) and where the run ended;
// - inside one, the copy is checked to roll back, once the lab is opened, to the copy where the transaction began
//   (whose Undo is run in full); and the middle copy of every transaction is also undone in full, as it is.
// Killed before the upgrade wrote its journal, there is nothing to undo: the Undo says so (NoUpgradeToUndo) and the
// lab is the lab it was.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
  statusOf,
  undoAndCompare,
  undoRequest,
  withInstallerRuns,
  type WritePoint,
} from './kill-harness';

interface JournalView {
  completed: string[];
}

/** The upgrade's journal in a copy of the run's folder: the steps completed, or undefined before it is written. */
function journalIn(runFolder: string): JournalView | undefined {
  const backups = path.join(runFolder, 'backups');
  const runDir = existsSync(backups) ? readdirSync(backups).find((d) => d.startsWith('MfaServerUpgrade-')) : undefined;
  const file = runDir && path.join(backups, runDir, 'journal.json');
  if (!file || !existsSync(file)) return undefined;
  const steps = (JSON.parse(readFileSync(file, 'utf8')) as { Steps: { Id: string; Status: string }[] }).Steps;
  return { completed: steps.filter((s) => s.Status === 'Completed').map((s) => s.Id) };
}

/** The middle point of each installer transaction (by the point that began it). */
function middleOfEachTransaction(points: WritePoint[]): Set<number> {
  const inside = new Map<number, number[]>();
  for (const { p, began } of withInstallerRuns(points)) if (began) inside.set(began.n, [...(inside.get(began.n) ?? []), p.n]);
  return new Set([...inside.values()].map((ns) => ns[Math.floor(ns.length / 2)]));
}

/** Upgrades a new lab of `scenario`, undoes it from every stop and kill point (above), asserts no divergence. */
export async function undoFromEveryStop(scenario: string): Promise<void> {
  const t0 = Date.now();
  const root = mkdtempSync(path.join(os.tmpdir(), `mfa-undo-from-upgrade-${scenario}-`));
  try {
    const work = path.join(root, 'run');
    const snapshots = path.join(root, 'snapshots');
    newLab(work, scenario);
    const neverUpgraded = labStateAfterReinstall(path.join(work, 'lab'));
    const { run, points } = runWithSnapshots('invoke-upgrade', { ...undoRequest(work), InstallerPath: LAB_INSTALLER_PATH }, work, snapshots);
    // SdkConsumers pauses at AD FS and ActivationFails at activation (69001): where the admin would stop and undo.
    assert.ok(['Completed', 'Paused'].includes(statusOf(run) ?? ''), runStatus(run));
    const allSteps = journalIn(work)?.completed ?? [];
    assert.ok(allSteps.length >= 5, `the upgrade completed its steps: ${allSteps.join(', ')}`);
    const end = path.join(root, 'end');
    putBack(work, end);

    // The stop after each step: the first copy whose journal shows it Completed.
    const journals = new Map(points.map((p) => [p.n, journalIn(snapshotOf(snapshots, p))]));
    const afterStep = new Map<number, string>();
    let done = new Set<string>();
    for (const p of points) {
      const now = journals.get(p.n)?.completed ?? [];
      for (const id of now.filter((s) => !done.has(s))) afterStep.set(p.n, id);
      done = new Set(now);
    }
    const stoppedAfter = new Set(afterStep.values());
    assert.deepEqual(allSteps.filter((id) => !stoppedAfter.has(id) && id !== allSteps.at(-1)), [], 'a stop after every step (the last: where the run ended)');

    const middles = middleOfEachTransaction(points);
    const divergences: string[] = [];
    const counts = { undone: 0, rolledBack: 0, nothingToUndo: 0 };
    for (const { p, began } of withInstallerRuns(points)) {
      const label = `${scenario} #${p.n} before ${p.point}${afterStep.has(p.n) ? ` (after ${afterStep.get(p.n)})` : ''}`;
      putBack(snapshotOf(snapshots, p), work);
      if (began) {
        if (middles.has(p.n)) {
          divergences.push(...undoAndCompare(work, neverUpgraded, label));
          counts.undone++;
          putBack(snapshotOf(snapshots, p), work);
        }
        divergences.push(...(await rollbackDivergences(work, snapshots, began, label)));
        counts.rolledBack++;
      } else if (journals.get(p.n) === undefined) {
        // No journal yet: nothing of the servers was changed, and the Undo must say there is nothing to undo.
        const refused = runCore('undo-upgrade', undoRequest(work));
        if (refused.envelope?.error?.code !== 'NoUpgradeToUndo') divergences.push(`${label}: the Undo ended ${runStatus(refused)}`);
        for (const d of diffStates(neverUpgraded, labStateAfterReinstall(path.join(work, 'lab')))) divergences.push(`${label}: ${d}`);
        counts.nothingToUndo++;
      } else {
        divergences.push(...undoAndCompare(work, neverUpgraded, label));
        counts.undone++;
      }
    }
    putBack(end, work);
    divergences.push(...undoAndCompare(work, neverUpgraded, `${scenario} where the run ended (${runStatus(run).slice(0, 60)})`));
    counts.undone++;

    console.log(`undo-from-upgrade ${scenario}: ${points.length} write points of the upgrade (${JSON.stringify(countKinds(points))}) and where it ended: ` +
      `${counts.undone} undone in full (${afterStep.size + 1} of them the stop after each of its ${allSteps.length} steps, ${middles.size} inside an ` +
      `installer), ${counts.rolledBack} inside installer runs checked to roll back to their start, ${counts.nothingToUndo} before its journal ` +
      `(nothing to undo); ${divergences.length} divergence(s); ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    assert.deepEqual(divergences, []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
