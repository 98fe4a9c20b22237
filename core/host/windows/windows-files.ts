import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, statfs } from 'node:fs/promises';
import { parse, win32 } from 'node:path';
import type { DirectoryEntry, FileStat, VolumeSpace } from '../host';

/**
 * Files of the local server through node's fs, which takes Windows paths as they are and, like Windows itself,
 * compares them case-insensitively.
 */
export class WindowsFiles {
  /**
   * `resolve` maps a Windows path to the path node opens: the path itself on Windows. Tests give a root folder
   * standing in for the drives (the conformance suite runs the adapter on Linux that way); nothing else does.
   */
  constructor(private readonly resolve: (windowsPath: string) => string = (p) => p) {}

  localPath(path: string): string {
    return this.resolve(path);
  }

  async stat(windowsPath: string): Promise<FileStat | undefined> {
    const path = this.resolve(windowsPath);
    try {
      const s = await stat(path);
      return { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw error;
    }
  }

  readFile(path: string): Promise<Buffer> {
    return readFile(this.resolve(path));
  }

  /** Temp file beside the target (same volume, so the rename is atomic), flushed to disk, then renamed over it. */
  async writeFileAtomic(windowsPath: string, data: Buffer): Promise<void> {
    const path = this.resolve(windowsPath);
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (error) {
      await handle.close();
      await rm(temp, { force: true });
      throw error;
    }
    await handle.close();
    try {
      await rename(temp, path);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async listDirectory(path: string): Promise<DirectoryEntry[]> {
    const entries = await readdir(this.resolve(path), { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  }

  async makeDirectory(path: string): Promise<void> {
    await mkdir(this.resolve(path), { recursive: true });
  }

  async removePath(path: string): Promise<void> {
    await rm(this.resolve(path), { recursive: true, force: true });
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
