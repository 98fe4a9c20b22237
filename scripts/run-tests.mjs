// Runs every test/**/*.test.ts with node's built-in test runner (Node 20 does not expand globs itself).
// Two phases: everything but test/remote (and test/host-contract, test/wine) two files at a time, then those one file
// at a time — they start sshd or a Wine machine, kill them mid-run and time connection losses, and were seen to hang
// when another heavy suite shared the machine.
// A run must end, whatever a test leaves behind: output streams as it comes (a stuck file is visible in the log),
// each test has a time limit (--test-timeout), a file whose tests are over exits even if a child process it started
// is still alive (--test-force-exit), and a phase that still outlives its limit is killed and counted as failed.
// Ends with one combined line, "N passed, N failed" (a cancelled test counts as failed).
import { readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import * as path from 'node:path';

/** No single test file of ours needs more than this (the longest, undo-from-upgrade-one-server, took 9 minutes on the loaded 2-core VM). */
const TEST_TIMEOUT_MS = 15 * 60_000;
/** A phase that has not ended after this is stuck: the CI's limit is 90 minutes for everything. */
const PHASE_LIMIT_MS = 40 * 60_000;

/**
 * @param {string} dir
 * @returns {string[]}
 */
function find(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : find(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * @param {string} name
 * @param {string[]} files
 * @param {number} concurrency
 * @returns {Promise<{ status: number, pass: number, fail: number }>}
 */
function run(name, files, concurrency) {
  if (files.length === 0) return Promise.resolve({ status: 0, pass: 0, fail: 0 });
  const started = Date.now();
  const args = ['--import', 'tsx', '--test', '--test-force-exit', `--test-timeout=${TEST_TIMEOUT_MS}`, `--test-concurrency=${concurrency}`, ...files];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
  let tail = '';
  child.stdout.on('data', (/** @type {Buffer} */ chunk) => {
    process.stdout.write(chunk);
    tail = (tail + chunk.toString('utf8')).slice(-4096);
  });
  // Detached so the watchdog can end the whole group; so the runner's own end must end it too.
  const endGroup = () => {
    try {
      process.kill(-Number(child.pid), 'SIGKILL');
    } catch {
      /* already gone */
    }
  };
  process.once('SIGINT', endGroup).once('SIGTERM', endGroup);
  let killed = false;
  const watchdog = setTimeout(() => {
    killed = true;
    console.log(`# run-tests: phase '${name}' did not end within ${PHASE_LIMIT_MS / 60_000} minutes; killing it (counted as failed)`);
    endGroup(); // the whole process group: test files and what they started
  }, PHASE_LIMIT_MS);
  return new Promise((resolve) => {
    child.on('close', (code) => {
      clearTimeout(watchdog);
      /** @type {(n: string) => number} */
      const count = (n) => Number((tail.match(new RegExp(`^# ${n} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
      console.log(`# run-tests: phase '${name}' ended in ${Math.round((Date.now() - started) / 1000)} s (exit ${code})`);
      resolve({ status: killed ? 1 : code ?? 1, pass: count('pass'), fail: count('fail') + count('cancelled') + (killed ? 1 : 0) });
    });
  });
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => (r.endsWith('.ts') ? [r] : find(r))).sort();
// test/host-contract also runs the remote adapter over the loopback sshd.
// test/wine runs a Wine machine (wineboot, wineserver, node.exe): heavy, so one file at a time as well.
const SERIAL = ['remote', 'host-contract', 'wine'];
/** @type {(f: string) => boolean} */
const isSerial = (f) => f.split(path.sep)[0] === 'test' && f.split(path.sep).some((part) => SERIAL.includes(part));
const phases = [await run('parallel', files.filter((f) => !isSerial(f)), 2), await run('serial', files.filter(isSerial), 1)];
const pass = phases.reduce((n, p) => n + p.pass, 0);
const fail = phases.reduce((n, p) => n + p.fail, 0);
console.log(`${pass} passed, ${fail} failed`);
process.exit(phases.some((p) => p.status !== 0) ? 1 : 0);
