// The set-up the kill suites share (kill-everywhere, undo-kill, undo-from-upgrade-kill): real cores run with the
// write-point hook preloaded (kill-at-write.mjs), one uninterrupted run whose folder (lab + backups) is copied before
// each of its writes, and the putting back of such a copy in the run's place. What makes them affordable: a copy is what
// a SIGKILL at that write leaves, so a run is made once, not once per point; fsync is a no-op in the hooked cores.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/pwsh';
import { diffStates, hashTree, labStateAfterReinstall } from '../e2e/helpers';
import { openLab } from '../../core/host/lab/open-lab';

const CORE = path.join(repoRoot, 'ps-module', 'MfaServerUpgrade', 'lib', 'mfa-core.cjs');
export const KILL_PRELOAD = path.join(__dirname, 'kill-at-write.mjs');

export interface CoreRun {
  signal: NodeJS.Signals | null;
  envelope?: { ok: boolean; result?: { Status: string; ExitCode: number; Message: string }[]; error?: { code: string; message: string } };
  stderr: string;
}

/** One write point of a run: its number (1 = the first write) and its name (core/util/write-points.ts). */
export interface WritePoint {
  n: number;
  point: string;
}

/** Runs one operation in a core of its own with the hook preloaded (MFA_KILL_AT_WRITE in `env` kills it at that write). */
export function runCore(operation: string, request: unknown, env: Record<string, string> = {}): CoreRun {
  const r = spawnSync(process.execPath, ['--import', KILL_PRELOAD, CORE, operation], {
    input: JSON.stringify(request),
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 1 << 26,
  });
  let envelope: CoreRun['envelope'];
  try {
    envelope = JSON.parse(r.stdout);
  } catch {
    envelope = undefined;
  }
  return { signal: r.signal, envelope, stderr: r.stderr };
}

/** How a run ended, for messages. */
export function runStatus(run: CoreRun): string {
  const r = run.envelope?.result?.[0];
  return run.envelope?.ok && r ? `${r.Status} (${r.ExitCode}): ${r.Message}` : `error ${JSON.stringify(run.envelope?.error ?? run.stderr.slice(-500))}`;
}

/** The status of a run's first result (Completed, Paused, …), undefined when it ended without one. */
export const statusOf = (run: CoreRun): string | undefined => run.envelope?.result?.[0]?.Status;

/** Replaces the run's folder with a copy (a snapshot, or a prepared lab). */
export function putBack(from: string, runFolder: string): void {
  rmSync(runFolder, { recursive: true, force: true });
  cpSync(from, runFolder, { recursive: true });
}

/** Makes a lab of a scenario in `<runFolder>/lab`. */
export function newLab(runFolder: string, scenario: string): void {
  const made = runCore('new-lab', { Path: path.join(runFolder, 'lab'), Scenario: scenario });
  assert.equal(made.envelope?.ok, true, `New-MfaLab ${scenario}: ${runStatus(made)}`);
}

/**
 * Runs one operation uninterrupted on the run's folder with a copy of that folder taken before each of its writes
 * (`<snapshots>/<n>`, the state a SIGKILL at write n leaves); answers the run and its write points.
 */
export function runWithSnapshots(operation: string, request: unknown, runFolder: string, snapshots: string): { run: CoreRun; points: WritePoint[] } {
  return runListingWritePoints(operation, request, `${snapshots}.points.txt`, { MFA_KILL_SNAPSHOT_ROOT: runFolder, MFA_KILL_SNAPSHOT_DIR: snapshots });
}

/** Runs one operation uninterrupted and answers it with its write points (listed in `pointsFile`). */
export function runListingWritePoints(
  operation: string,
  request: unknown,
  pointsFile: string,
  env: Record<string, string> = {},
): { run: CoreRun; points: WritePoint[] } {
  rmSync(pointsFile, { force: true });
  const run = runCore(operation, request, { ...env, MFA_KILL_POINTS_FILE: pointsFile });
  const points = readFileSync(pointsFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [n, point] = line.split('\t');
      return { n: Number(n), point };
    });
  return { run, points };
}

/** The copy of the run's folder taken before write point `p`. */
export const snapshotOf = (snapshots: string, p: WritePoint): string => path.join(snapshots, String(p.n));

/** Which writes these are: a run's records (journal, plan, lock), the lab installers' (files, registry, installer database, rollback script), or others. */
export function kindOf(point: string): 'journal' | 'installer' | 'other' {
  if (/journal\.json|run\.lock|plan\.json/i.test(point)) return 'journal';
  if (/installer-rollback|registry\.reg|server\.json|[\\/]lab[\\/](?:[^\\/]+[\\/])?[C-Z][\\/]/i.test(point)) return 'installer';
  return 'other';
}

/** The count of each kind of write among `points`. */
export function countKinds(points: WritePoint[]): Record<ReturnType<typeof kindOf>, number> {
  const kinds = { journal: 0, installer: 0, other: 0 };
  for (const p of points) kinds[kindOf(p.point)]++;
  return kinds;
}

/** The Undo's targets for a run folder (`<runFolder>/lab`, `<runFolder>/backups`). */
export const undoRequest = (runFolder: string) => ({ LabPath: path.join(runFolder, 'lab'), BackupDestination: path.join(runFolder, 'backups') });

/**
 * Runs the Undo on whatever is in the run's folder and answers what differs from `neverUpgraded` (the lab's state,
 * labStateAfterReinstall, before any upgrade): an Undo that did not complete, and every file, registry, product or
 * IIS difference. Empty = the server is back where it was.
 */
export function undoAndCompare(runFolder: string, neverUpgraded: Record<string, string>, label: string): string[] {
  const run = runCore('undo-upgrade', undoRequest(runFolder));
  const problems: string[] = [];
  if (statusOf(run) !== 'Completed') problems.push(`${label}: the Undo ended ${runStatus(run)}`);
  for (const d of diffStates(neverUpgraded, labStateAfterReinstall(path.join(runFolder, 'lab')))) problems.push(`${label}: ${d}`);
  return problems;
}

/**
 * Each point with the installer run it falls in: a lab installer's writes from its `begin installer-rollback` up to its
 * commit are one transaction, which opening the lab again rolls back (as Windows Installer does). A copy taken inside
 * one must, once opened, be exactly the copy taken at its begin (checked by rollbackDivergences): then running on from
 * it is running on from that begin point, which is done in full. `began` is absent outside installer runs.
 */
export function withInstallerRuns(points: WritePoint[]): { p: WritePoint; began?: WritePoint }[] {
  let began: WritePoint | undefined;
  return points.map((p) => {
    const at = { p, began };
    if (/^begin installer-rollback/.test(p.point)) began = p;
    if (/^commit installer-rollback/.test(p.point)) began = undefined;
    return at;
  });
}

/** Files of a folder tree without logs (Windows Installer's and the engine's logs carry times and are no transaction's part). */
const withoutLogs = (folder: string) => hashTree(folder, (rel, bytes) => (/\.log$/i.test(rel) ? null : bytes));

/**
 * Opens the lab in the run's folder (a copy taken inside an installer run begun at `began`), which rolls that run
 * back, and answers what differs from the copy taken at `began` (empty = rolled back to exactly where it began).
 */
export async function rollbackDivergences(runFolder: string, snapshots: string, began: WritePoint, label: string): Promise<string[]> {
  for (const server of await openLab(path.join(runFolder, 'lab'))) void server; // opening rolls back
  return diffStates(withoutLogs(snapshotOf(snapshots, began)), withoutLogs(runFolder)).map((d) => `${label} (inside the installer run begun at #${began.n}), after the rollback: ${d}`);
}
