/**
 * One run at a time per run folder. Two runs of the same upgrade (a deployment retry beside an admin at the console,
 * two scheduled tasks) would both drive the journal and the servers. `run.lock` is created exclusively in the run
 * folder and says who holds it. A lock whose process is gone (killed, or the machine restarted since) is taken over;
 * a live one refuses the second run, which an unattended deployment reports as 1618: try again later.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CoreError } from '../util/errors';

export const RUN_LOCK_FILE = 'run.lock';

export interface RunLockOwner {
  pid: number;
  computerName: string;
  user: string;
  startedUtc: string;
}

export interface RunLock {
  /** Set when a lock left by a run that no longer exists was taken over: what it said. */
  tookOverFrom: RunLockOwner | undefined;
  release(): Promise<void>;
}

/** Seams for tests: whether a process of this machine runs, and when the machine last started. */
export interface RunLockProbe {
  isRunning(pid: number): boolean;
  bootTime(): Date;
}

const thisMachine: RunLockProbe = {
  isRunning(pid) {
    try {
      process.kill(pid, 0);
      return !hasEndedUncollected(pid);
    } catch (e) {
      // EPERM: it runs, under another account.
      return (e as NodeJS.ErrnoException).code === 'EPERM';
    }
  },
  bootTime: () => new Date(Date.now() - os.uptime() * 1000),
};

export async function acquireRunLock(folder: string, probe: RunLockProbe = thisMachine): Promise<RunLock> {
  const file = path.join(folder, RUN_LOCK_FILE);
  const me: RunLockOwner = { pid: process.pid, computerName: os.hostname(), user: os.userInfo().username, startedUtc: new Date().toISOString() };
  let tookOverFrom: RunLockOwner | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await fs.writeFile(file, JSON.stringify(me, null, 2) + '\n', { flag: 'wx' });
      return { tookOverFrom, release: () => releaseIfMine(file, me) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = await readOwner(file);
    if (holder === 'gone') continue; // released between our two looks
    if (holder !== 'unreadable' && isAlive(holder, probe)) throw runInProgress(file, holder);
    if (holder === 'unreadable' && (await ageMs(file)) < 60_000) {
      // Being written right now by another run starting at the same moment.
      throw runInProgress(file, undefined);
    }
    tookOverFrom = holder === 'unreadable' ? undefined : holder;
    await fs.rm(file, { force: true });
  }
  throw runInProgress(file, undefined);
}

export interface RunLockHolder {
  owner: RunLockOwner;
  /** Whether its process counts as running (a process of another machine always does). */
  alive: boolean;
}

/**
 * Who the folder's lock names, and whether that process still counts as running (as acquireRunLock judges it): 'none'
 * when there is no lock, 'unreadable' while one is being written.
 */
export async function runLockHolder(folder: string, probe: RunLockProbe = thisMachine): Promise<RunLockHolder | 'none' | 'unreadable'> {
  const holder = await readOwner(path.join(folder, RUN_LOCK_FILE));
  if (holder === 'gone') return 'none';
  if (holder === 'unreadable') return holder;
  return { owner: holder, alive: isAlive(holder, probe) };
}

/**
 * Linux only: a process that has ended but whose parent has not collected it (a zombie; its parent was killed and
 * this machine's first process does not collect orphans) still answers kill(pid, 0), yet holds nothing.
 */
function hasEndedUncollected(pid: number): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch {
    return false; // cannot tell: it counts as running
  }
}

function isAlive(holder: RunLockOwner, probe: RunLockProbe): boolean {
  // Another machine (a run folder on a share): its processes cannot be checked from here, so it counts as running.
  if (holder.computerName.toLowerCase() !== os.hostname().toLowerCase()) return true;
  // Started before this machine last started: that process is gone, whatever now has its number.
  if (new Date(holder.startedUtc) < probe.bootTime()) return false;
  return probe.isRunning(holder.pid);
}

async function readOwner(file: string): Promise<RunLockOwner | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw e;
  }
  try {
    const o = JSON.parse(text) as Partial<RunLockOwner>;
    if (typeof o.pid === 'number' && typeof o.computerName === 'string' && typeof o.startedUtc === 'string') {
      return { pid: o.pid, computerName: o.computerName, user: String(o.user ?? 'unknown'), startedUtc: o.startedUtc };
    }
  } catch {
    /* unreadable below */
  }
  return 'unreadable';
}

async function ageMs(file: string): Promise<number> {
  const st = await fs.stat(file).catch(() => undefined);
  return st ? Date.now() - st.mtimeMs : Number.POSITIVE_INFINITY;
}

async function releaseIfMine(file: string, me: RunLockOwner): Promise<void> {
  const holder = await readOwner(file).catch(() => 'unreadable' as const);
  if (typeof holder === 'object' && holder.pid === me.pid && holder.startedUtc === me.startedUtc) await fs.rm(file, { force: true });
}

function runInProgress(file: string, holder: RunLockOwner | undefined): CoreError {
  const who = holder
    ? `process ${holder.pid} of ${holder.user} on ${holder.computerName}, since ${holder.startedUtc}`
    : 'another run starting at the same moment';
  return new CoreError(
    'RunInProgress',
    `Another run of this upgrade is in progress (${who}; lock ${file}). Nothing was done. Wait for it to end, then run again with -Resume. If you are sure ` +
      `no run is going (for example it ran on another machine that is now off), delete ${file}.`,
    file,
    { holder },
  );
}
