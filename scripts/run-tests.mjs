// Runs every test/**/*.test.ts with node's built-in test runner (Node 20 does not expand globs itself).
// Two phases: everything but test/remote (and test/host-contract) two files at a time, then test/remote one file at a time — those tests start
// sshd, kill it mid-run and time connection losses, and were seen to hang when another heavy suite shared the machine.
// Ends with one combined line, "N passed, N failed".
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

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
 * @param {string[]} files
 * @param {number} concurrency
 */
function run(files, concurrency) {
  if (files.length === 0) return { status: 0, pass: 0, fail: 0 };
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files], { encoding: 'utf8', maxBuffer: 1 << 30 });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  /** @type {(name: string) => number} */
  const count = (name) => Number((r.stdout.match(new RegExp(`^# ${name} (\\d+)$`, 'm')) ?? [])[1] ?? 0);
  return { status: r.status ?? 1, pass: count('pass'), fail: count('fail') };
}

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = roots.flatMap((r) => (r.endsWith('.ts') ? [r] : find(r))).sort();
// test/host-contract also runs the remote adapter over the loopback sshd.
// test/wine runs a Wine machine (wineboot, wineserver, node.exe): heavy, so one file at a time as well.
const SERIAL = ['remote', 'host-contract', 'wine'];
/** @type {(f: string) => boolean} */
const isRemote = (f) => f.split(path.sep)[0] === 'test' && f.split(path.sep).some((part) => SERIAL.includes(part));
const phases = [run(files.filter((f) => !isRemote(f)), 2), run(files.filter(isRemote), 1)];
const pass = phases.reduce((n, p) => n + p.pass, 0);
const fail = phases.reduce((n, p) => n + p.fail, 0);
console.log(`${pass} passed, ${fail} failed`);
process.exit(phases.some((p) => p.status !== 0) ? 1 : 0);
