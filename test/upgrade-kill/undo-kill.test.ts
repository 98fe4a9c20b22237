// Issue #25 item 3: an Undo killed before any of its writes goes on, when run again, to the same end: the lab of a
// server that was never upgraded. The approach of kill-everywhere.test.ts: one uninterrupted Undo runs in a real core
// with the write-point hook preloaded (kill-at-write.mjs), which copies the run's folder (lab + backups) before each
// write: the state a SIGKILL there leaves. A sample of those copies (every MFA_UNDO_KILL_STRIDE-th point, default 3, and
// every write of the Undo's journal and plan, and its last 12 writes) is put back in the run's place and the Undo run again by a real core;
// some points are also killed for real.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/pwsh';
import { diffStates, labStateAfterReinstall } from '../e2e/helpers';

const CORE = path.join(repoRoot, 'ps-module', 'MfaServerUpgrade', 'lib', 'mfa-core.cjs');
const PRELOAD = path.join(__dirname, 'kill-at-write.mjs');
const STRIDE = Number(process.env.MFA_UNDO_KILL_STRIDE ?? '3');

let root: string;
let work: string;
let upgraded: string;
let snapshots: string;
let neverUpgraded: Record<string, string>;
let points: { n: number; point: string }[] = [];

interface CoreRun {
  signal: NodeJS.Signals | null;
  envelope?: { ok: boolean; result?: { Status: string; ExitCode: number; Message: string }[]; error?: { code: string; message: string } };
  stderr: string;
}

function core(operation: string, request: unknown, env: Record<string, string> = {}): CoreRun {
  const r = spawnSync(process.execPath, ['--import', PRELOAD, CORE, operation], {
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

const lab = () => path.join(work, 'lab');
const targets = () => ({ LabPath: lab(), BackupDestination: path.join(work, 'backups') });
const status = (run: CoreRun) =>
  run.envelope?.ok ? `${run.envelope.result?.[0].Status} (${run.envelope.result?.[0].ExitCode}): ${run.envelope.result?.[0].Message}` : `error ${JSON.stringify(run.envelope?.error ?? run.stderr.slice(-500))}`;

function putBack(from: string): void {
  rmSync(work, { recursive: true, force: true });
  cpSync(from, work, { recursive: true });
}

/** Runs the Undo on whatever is in the run's folder; the differences from a lab never upgraded (empty = the same). */
function undoAndCompare(label: string): string[] {
  const run = core('undo-upgrade', targets());
  const problems: string[] = [];
  if (run.envelope?.result?.[0].Status !== 'Completed') problems.push(`${label}: the Undo ended ${status(run)}`);
  for (const d of diffStates(neverUpgraded, labStateAfterReinstall(lab()))) problems.push(`${label}: ${d}`);
  return problems;
}

before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mfa-undo-kill-'));
  work = path.join(root, 'run');
  upgraded = path.join(root, 'upgraded');
  snapshots = path.join(root, 'snapshots');
  assert.equal(core('new-lab', { Path: lab(), Scenario: 'SingleServer' }).envelope?.ok, true);
  neverUpgraded = labStateAfterReinstall(lab());
  const up = core('invoke-upgrade', { ...targets(), InstallerPath: 'C:\\Media\\MfaServer' });
  assert.equal(up.envelope?.result?.[0].Status, 'Completed', status(up));
  cpSync(work, upgraded, { recursive: true });
  const pointsFile = path.join(root, 'points.txt');
  const run = core('undo-upgrade', targets(), { MFA_KILL_SNAPSHOT_ROOT: work, MFA_KILL_SNAPSHOT_DIR: snapshots, MFA_KILL_POINTS_FILE: pointsFile });
  assert.equal(run.envelope?.result?.[0].Status, 'Completed', status(run));
  assert.deepEqual(diffStates(neverUpgraded, labStateAfterReinstall(lab())), [], 'the uninterrupted Undo ends where a lab never upgraded is');
  points = readFileSync(pointsFile, 'utf8').trim().split('\n').map((line) => {
    const [n, point] = line.split('\t');
    return { n: Number(n), point };
  });
});

after(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

test('killed before a write of the Undo, the same Undo run again ends where a lab never upgraded is', () => {
  const t0 = Date.now();
  const records = (p: { point: string }) => /undo-journal\.json|undo-plan\.json|run\.lock/i.test(p.point);
  assert.ok(points.filter(records).length >= 10, `the Undo announces its journal's writes (${points.length} points)`);
  // And every one of the Undo's last writes (report, claim, records set aside): a stop there must still finish it.
  const ending = (i: number) => i >= points.length - 12;
  const sample = points.filter((p, i) => i % STRIDE === 0 || records(p) || ending(i));
  const divergences: string[] = [];
  for (const p of sample) {
    putBack(path.join(snapshots, String(p.n)));
    divergences.push(...undoAndCompare(`#${p.n} before ${p.point}`));
  }
  console.log(`undo-kill: ${points.length} write points of the Undo, ${sample.length} run again (stride ${STRIDE}, every journal/plan/lock write and the last 12); ` +
    `${divergences.length} divergence(s); ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  assert.deepEqual(divergences, []);
});

test('the copies stand for kills: real SIGKILLs at writes of the Undo (inside an installer, the journal, a restore) end the same', () => {
  const picks = [
    points.find((p) => /installer-rollback[\\/]0+[1-9]/.test(p.point)),
    points.find((p) => /commit installer-rollback/.test(p.point) && p.n > points.length / 2),
    points.find((p) => /undo-journal\.json/.test(p.point) && p.n > points.length / 3),
    points.find((p) => /Phonefactor\.pfdata/i.test(p.point)),
  ].filter((p): p is { n: number; point: string } => p !== undefined);
  assert.ok(picks.length >= 3, `points to kill at were found: ${JSON.stringify(picks)}`);
  const divergences: string[] = [];
  for (const p of picks) {
    putBack(upgraded);
    const killed = core('undo-upgrade', targets(), { MFA_KILL_AT_WRITE: String(p.n) });
    assert.equal(killed.signal, 'SIGKILL', `killed at #${p.n} ${p.point}`);
    divergences.push(...undoAndCompare(`SIGKILL #${p.n} before ${p.point}`));
  }
  assert.deepEqual(divergences, []);
});
