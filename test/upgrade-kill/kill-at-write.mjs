// Preloaded into a core (`node --import`) by the kill-everywhere test, never shipped: installs the write-point hook of
// core/util/write-points.ts. It counts the core's write points, lists them in MFA_KILL_POINTS_FILE, and SIGKILLs the
// process at the MFA_KILL_AT_WRITE-th one (before that write is made). fsync is made a no-op: a killed process loses
// nothing that was written (the page cache survives it), so this changes no outcome and makes each run much faster.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const fsModule = require('node:fs');
const { appendFileSync, promises: fs } = fsModule;

const handle = await fs.open(process.execPath, 'r');
const proto = Object.getPrototypeOf(handle);
await handle.close();
proto.sync = async function () {};
proto.datasync = async function () {};
fsModule.fsyncSync = () => undefined;
fsModule.fdatasyncSync = () => undefined;

const killAt = Number(process.env.MFA_KILL_AT_WRITE ?? '0');
const list = process.env.MFA_KILL_POINTS_FILE;
// MFA_KILL_SNAPSHOT_ROOT / _DIR: copy the run's folder (lab and backups) at each point, before its write: exactly
// what a SIGKILL there leaves on disk (the copy is synchronous, so nothing else of the process runs meanwhile).
const snapshotRoot = process.env.MFA_KILL_SNAPSHOT_ROOT;
const snapshotDir = process.env.MFA_KILL_SNAPSHOT_DIR;
let count = 0;
globalThis[Symbol.for('MfaServerUpgrade.test.writePoint')] = (point) => {
  count += 1;
  if (list) appendFileSync(list, `${count}\t${point}\n`);
  if (snapshotRoot && snapshotDir) fsModule.cpSync(snapshotRoot, `${snapshotDir}/${count}`, { recursive: true });
  if (count === killAt) process.kill(process.pid, 'SIGKILL');
};
