/** Why this file: the Host port's file methods on the local server, with Windows' error codes and case rules. */
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { basename, dirname, join, parse, win32 } from 'node:path';
import type { DirectoryEntry, FileStat, VolumeSpace } from '../host';
import { hostFileError } from '../file-errors';
import { readLocalFileRange } from '../file-range';
import { atomicTempName, sweepStrandedTemps } from '../../util/atomic-write';

/**
 * Files of the local server through node's fs, which takes Windows paths as they are and, like Windows itself,
 * compares them case-insensitively. Failures come out as the Host contract's codes, naming the Windows path.
 */
export class WindowsFiles {
  /**
   * `resolve` maps a Windows path to the path node opens: the path itself on Windows. Tests give a root folder
   * standing in for the drives (the conformance suite runs the adapter on Linux that way); nothing else does.
   */
  constructor(
    private readonly resolve: (windowsPath: string) => string = (p) => p,
    private readonly computerName = 'this server',
  ) {}

  localPath(path: string): string {
    return this.resolve(path);
  }

  async stat(windowsPath: string): Promise<FileStat | undefined> {
    const path = this.resolve(windowsPath);
    try {
      const s = await stat(path);
      return { size: s.isDirectory() ? 0 : s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw hostFileError(error, windowsPath, 'read', this.computerName);
    }
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await readFile(this.resolve(path));
    } catch (error) {
      throw hostFileError(error, path, 'read', this.computerName);
    }
  }

  readFileRange(path: string, offset: number, length: number): Promise<Buffer> {
    return readLocalFileRange(this.resolve(path), path, offset, length, this.computerName);
  }

  /**
   * Temp file beside the target (same volume, so the rename is atomic), flushed to disk, then renamed over it. The
   * folder must exist: a missing one is DirectoryNotFound (no folder is created).
   */
  async writeFileAtomic(windowsPath: string, data: Buffer): Promise<void> {
    const path = this.resolve(windowsPath);
    if ((await stat(path).catch(() => undefined))?.isDirectory()) throw hostFileError({ code: 'EISDIR' }, windowsPath, 'write', this.computerName);
    // Same temp naming as util/atomic-write: a temp file a killed run stranded is swept by the next write of the file,
    // and it never carries wider permissions than the file it replaces.
    await sweepStrandedTemps(dirname(path), basename(path));
    const temp = join(dirname(path), atomicTempName(basename(path)));
    const mode = await stat(path).then((s) => s.mode & 0o777, () => 0o644);
    const handle = await open(temp, 'wx', mode).catch((error: unknown) => {
      throw hostFileError(error, windowsPath, 'write', this.computerName);
    });
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw hostFileError(error, windowsPath, 'write', this.computerName);
    }
    await handle.close();
    try {
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw hostFileError(error, windowsPath, 'write', this.computerName);
    }
  }

  async listDirectory(path: string): Promise<DirectoryEntry[]> {
    try {
      const entries = await readdir(this.resolve(path), { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (error) {
      throw hostFileError(error, path, 'list', this.computerName);
    }
  }

  async makeDirectory(path: string): Promise<void> {
    try {
      await mkdir(this.resolve(path), { recursive: true });
    } catch (error) {
      throw hostFileError(error, path, 'makeDirectory', this.computerName);
    }
  }

  async removePath(path: string): Promise<void> {
    try {
      await rm(this.resolve(path), { recursive: true, force: true });
    } catch (error) {
      throw hostFileError(error, path, 'remove', this.computerName);
    }
  }

  /**
   * The volume of a path through node's statfs (GetDiskFreeSpaceExW on Windows: bavail is what this account may use).
   * A drive that does not exist gives undefined; any other failure throws.
   */
  async volumeSpace(path: string): Promise<VolumeSpace | undefined> {
    const root = win32.parse(path).root || parse(path).root;
    if (!root) return undefined;
    try {
      const s = await statfs(root);
      return { root, freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
  }
}
