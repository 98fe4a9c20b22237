/**
 * A simulated installer run as a transaction, the way Windows Installer keeps one: before each change the lab writes
 * how to undo it (a rollback script, `installer-rollback/` in the server folder, one fsynced record per change), then
 * makes the change. Success commits by renaming the script away (one atomic rename); a failure exit code, an error,
 * or a process killed meanwhile leaves the script, and the server is rolled back: at once for a failure, and for a
 * kill the next time the lab server is opened (as the Installer service rolls back an interrupted installation).
 * Either way an install or uninstall is there whole or not at all.
 */
import { promises as fs, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../../util/atomic-write';
import { writePoint } from '../../util/write-points';

export const ROLLBACK_FOLDER = 'installer-rollback';
const COMMITTED_PREFIX = 'installer-rollback.committed-';

/** One undo record: what a path was before the change (its bytes, a folder, or nothing). */
interface UndoRecord {
  /** Relative to the server folder, '/'-separated. */
  path: string;
  before: { kind: 'absent' } | { kind: 'file'; base64: string } | { kind: 'folder' };
}

/** Server folders with a transaction running in this process (an open of the lab meanwhile must not roll it back). */
const active = new Set<string>();

/** Another installation is in progress on this lab server (a live process holds its rollback script): 1618. */
export class LabInstallerBusy extends Error {}

interface Owner {
  pid: number;
  hostname: string;
}

/** Whether the process that began the script still runs (on this machine; a script from another machine is taken as live). */
function ownerAlive(owner: Owner | undefined): boolean {
  if (!owner) return false;
  if (owner.hostname !== os.hostname()) return true;
  if (owner.pid === process.pid) return false; // ours, and not active (checked before): left by an earlier failure
  try {
    process.kill(owner.pid, 0);
    return !isZombie(owner.pid);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

async function readOwner(folder: string): Promise<Owner | undefined> {
  try {
    return JSON.parse(await fs.readFile(path.join(folder, 'owner.json'), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

export class LabTransaction {
  private count = 0;
  /** Paths whose state before the transaction is already recorded (only the first change of a path matters). */
  private readonly recorded = new Set<string>();

  private constructor(private readonly serverFolder: string) {}

  static async begin(serverFolder: string): Promise<LabTransaction> {
    if (active.has(serverFolder) || (await rollBackInterrupted(serverFolder)) === 'busy') throw new LabInstallerBusy();
    writePoint(`begin ${ROLLBACK_FOLDER}`);
    await fs.mkdir(path.join(serverFolder, ROLLBACK_FOLDER));
    active.add(serverFolder);
    try {
      // The owner first: a rollback script without one was begun by a process that died at once (nothing to undo).
      await writeFileAtomic(
        path.join(serverFolder, ROLLBACK_FOLDER, 'owner.json'),
        JSON.stringify({ pid: process.pid, hostname: os.hostname() } satisfies Owner),
      );
    } catch (e) {
      active.delete(serverFolder);
      await fs.rm(path.join(serverFolder, ROLLBACK_FOLDER), { recursive: true, force: true });
      throw e;
    }
    return new LabTransaction(serverFolder);
  }

  /** Ends the transaction's hold on the server (after commit or rollback). */
  end(): void {
    active.delete(this.serverFolder);
  }

  /**
   * Records how to undo a change to `local` (a path inside the server folder) and to everything beneath it, before
   * the change is made. A folder about to be created records its topmost missing ancestor as absent.
   */
  async before(local: string): Promise<void> {
    let target = local;
    // The topmost missing ancestor: undoing its creation removes every folder the change makes.
    for (let p = path.dirname(local); p.startsWith(this.serverFolder + path.sep); p = path.dirname(p)) {
      if (await exists(p)) break;
      target = p;
    }
    await this.snapshot(target);
  }

  private async snapshot(local: string): Promise<void> {
    const rel = path.relative(this.serverFolder, local).split(path.sep).join('/');
    if (this.recorded.has(rel.toLowerCase())) return;
    const stat = await fs.lstat(local).catch(() => undefined);
    if (stat?.isDirectory()) {
      // Removing a folder tree: every file and folder in it is recorded first (deepest last, so undo restores parents first).
      await this.write({ path: rel, before: { kind: 'folder' } });
      for (const entry of await fs.readdir(local)) await this.snapshot(path.join(local, entry));
      return;
    }
    const before: UndoRecord['before'] = stat ? { kind: 'file', base64: (await fs.readFile(local)).toString('base64') } : { kind: 'absent' };
    await this.write({ path: rel, before });
  }

  private async write(record: UndoRecord): Promise<void> {
    this.recorded.add(record.path.toLowerCase());
    const file = path.join(this.serverFolder, ROLLBACK_FOLDER, `${String(++this.count).padStart(6, '0')}.json`);
    await writeFileAtomic(file, JSON.stringify(record));
  }

  /** The commit point: one rename; what is left is cleanup (a leftover committed script is only deleted). */
  async commit(): Promise<void> {
    active.delete(this.serverFolder);
    const committed = path.join(this.serverFolder, `${COMMITTED_PREFIX}${Date.now()}`);
    writePoint(`commit ${ROLLBACK_FOLDER}`);
    await fs.rename(path.join(this.serverFolder, ROLLBACK_FOLDER), committed);
    writePoint(`remove ${path.basename(committed)}`);
    await fs.rm(committed, { recursive: true, force: true });
  }

  async rollBack(): Promise<void> {
    active.delete(this.serverFolder);
    await rollBackInterrupted(this.serverFolder);
  }
}

/**
 * Undoes an installer run that neither committed nor rolled back (its process was killed), newest change first;
 * deletes a committed script that was not cleaned up. Safe to repeat: killed during a rollback, the next open
 * finishes it. Returns whether anything was rolled back.
 */
export async function rollBackInterrupted(serverFolder: string): Promise<boolean | 'busy'> {
  if (active.has(serverFolder)) return 'busy';
  for (const name of await fs.readdir(serverFolder)) {
    if (name.startsWith(COMMITTED_PREFIX)) {
      writePoint(`remove ${name}`);
      await fs.rm(path.join(serverFolder, name), { recursive: true, force: true });
    }
  }
  const folder = path.join(serverFolder, ROLLBACK_FOLDER);
  if (!(await exists(folder))) return false;
  if (ownerAlive(await readOwner(folder))) return 'busy';
  const records = (await fs.readdir(folder)).filter((n) => /^\d+\.json$/.test(n)).sort().reverse();
  for (const name of records) {
    let record: UndoRecord;
    try {
      record = JSON.parse(await fs.readFile(path.join(folder, name), 'utf8')) as UndoRecord;
    } catch {
      continue; // a record whose own write was cut short: its change was never made
    }
    const local = path.join(serverFolder, ...record.path.split('/'));
    writePoint(`undo ${record.path}`);
    if (record.before.kind === 'absent') await fs.rm(local, { recursive: true, force: true });
    else if (record.before.kind === 'folder') await fs.mkdir(local, { recursive: true });
    else {
      await fs.mkdir(path.dirname(local), { recursive: true });
      await writeFileAtomic(local, Buffer.from(record.before.base64, 'base64'));
    }
  }
  writePoint(`remove ${ROLLBACK_FOLDER}`);
  await fs.rm(folder, { recursive: true, force: true });
  return true;
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}
