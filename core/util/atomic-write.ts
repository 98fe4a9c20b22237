/**
 * Atomic file replacement: write a temp file in the same folder, fsync it, rename over the target, fsync the folder.
 * A reader sees the old bytes or the new bytes, never half; on failure the temp file is removed.
 */
import { promises as fs, constants, closeSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from './errors';
import { writePoint } from './write-points';

/** Tells apart the temp files of two writes this process makes to one target within the same millisecond. */
let writeCount = 0;

/** The temp file name of an atomic write of `name` (swept by sweepStrandedTemps once its process is gone). */
export function atomicTempName(name: string): string {
  return `.${name}.${process.pid}.${Date.now()}.${++writeCount}.tmp`;
}

export async function writeFileAtomic(target: string, data: Buffer | string, options: { createFolder?: boolean } = {}): Promise<void> {
  writePoint(`write ${target}`);
  const dir = path.dirname(target);
  if (options.createFolder) await fs.mkdir(dir, { recursive: true }).catch((e) => Promise.reject(fileError(e, dir)));
  await sweepStrandedTemps(dir, path.basename(target));
  const temp = path.join(dir, atomicTempName(path.basename(target)));
  const mode = await fs.stat(target).then((s) => s.mode & 0o777, () => 0o644);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(temp, target);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw fileError(e, target);
  }
  await syncDirectory(dir);
}

/**
 * The same, synchronously: for the last words of a core that is about to exit (core/util/core-stop.ts), when no
 * promise would be waited for. Stranded temp files are left to the next asynchronous write to sweep.
 */
export function writeFileAtomicSync(target: string, data: Buffer | string): void {
  writePoint(`write ${target}`);
  const temp = path.join(path.dirname(target), atomicTempName(path.basename(target)));
  let mode = 0o644;
  try {
    mode = statSync(target).mode & 0o777;
  } catch {
    // a new file: the default mode
  }
  let fd: number | undefined;
  try {
    fd = openSync(temp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, target);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw fileError(e, target);
  }
}

/**
 * A writer killed between creating its temp file and the rename leaves `.<name>.<pid>.<ms>.<n>.tmp` behind (beside a
 * web.config it holds the SDK password). The next write of the same file removes such files whose process is gone,
 * so -Resume, a second merge or the next backup run sweeps them; a live writer's temp file is left alone.
 */
export async function sweepStrandedTemps(dir: string, name: string): Promise<void> {
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const prefix = `.${name}.`;
  for (const n of names) {
    if (!n.startsWith(prefix) || !n.endsWith('.tmp')) continue;
    const m = /^(\d+)\.\d+\.\d+\.tmp$/.exec(n.slice(prefix.length));
    if (!m || isAlive(Number(m[1]))) continue;
    await fs.rm(path.join(dir, n), { force: true }).catch(() => undefined);
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by another account
  }
}

async function syncDirectory(dir: string): Promise<void> {
  // Makes the rename itself durable; not supported on every platform (Windows), where it is skipped.
  const h = await fs.open(dir, 'r').catch(() => undefined);
  if (!h) return;
  await h.sync().catch(() => undefined);
  await h.close();
}

/** A file system error as the error code an admin can act on. */
export function fileError(e: unknown, target: string): CoreError {
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason = (e as Error)?.message ?? String(e);
  switch (code) {
    case 'ENOENT':
      return new CoreError('FileNotFound', `File not found: ${target}`, target);
    case 'EACCES':
    case 'EPERM':
      return new CoreError('AccessDenied', `Access denied: ${target}`, target);
    case 'ENOSPC':
      return new CoreError('DiskFull', `Not enough disk space to write ${target}`, target);
    case 'EROFS':
      return new CoreError('TargetReadOnly', `The file system holding ${target} is read-only`, target);
    default:
      return new CoreError('FileWriteFailed', `Could not write ${target}: ${reason}`, target, { errno: code });
  }
}

/** True when the file carries no write permission (the read-only attribute, as Node maps it on Windows). */
export async function isReadOnlyFile(target: string): Promise<boolean> {
  const s = await fs.stat(target);
  return (s.mode & 0o222) === 0;
}

/** `yyyyMMdd-HHmmss` in local time: the suffix of backups and timestamped copies. */
export function timestamp(d: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
