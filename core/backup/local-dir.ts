/** Small local-folder helpers shared by backup, retention and restore. */
import { promises as fs } from 'node:fs';

/** Make a rename or a new entry durable (POSIX). Windows cannot open a folder for fsync: skipped there. */
export async function syncDirectory(dir: string): Promise<void> {
  const h = await fs.open(dir, 'r').catch(() => undefined);
  if (!h) return;
  await h.sync().catch(() => undefined);
  await h.close().catch(() => undefined);
}

/** Best-effort recursive removal; says whether it worked. */
export async function removeQuietly(target: string): Promise<boolean> {
  return fs.rm(target, { recursive: true, force: true, maxRetries: 3 }).then(
    () => true,
    () => false,
  );
}

/**
 * rename, retried briefly on EPERM/EACCES/EBUSY: on Windows an antivirus or indexer often holds a
 * just-written file open for a moment, which makes the rename of its folder fail transiently.
 */
export async function renameWithRetry(from: string, to: string, tries = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await fs.rename(from, to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (i >= tries || !(code === 'EPERM' || code === 'EACCES' || code === 'EBUSY')) throw e;
      await new Promise((r) => setTimeout(r, 100 * i));
    }
  }
}

export async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}
