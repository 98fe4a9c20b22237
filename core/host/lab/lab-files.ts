/**
 * What a lab server wrote on its drives, so that New-MfaLab -Force rebuilds only that: every file New-MfaLab laid down
 * and every file the simulated server wrote since (installers, the upgrade's writes through the Host port) is recorded
 * with the SHA-256 of the bytes written, one line each, in `.mfalab-files` of the server folder. A file on a lab drive
 * (C\, D\ …) is the lab's when its bytes are bytes the lab wrote at that path; anything else is the admin's (a copy of a
 * real web.config or Phonefactor.pfdata dropped in, as the help invites, or a lab file the admin edited) or the output
 * of a command (a backup or run folder under C:\Backups, the engine's log), and stays.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync } from 'node:fs';
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

export const LAB_FILES_LEDGER = '.mfalab-files';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
/** A path inside the server folder as the ledger writes it: `/` between names, whatever the platform. */
const ledgerKey = (serverFolder: string, local: string) => relative(serverFolder, local).split(sep).join('/');

/**
 * Records that the lab wrote `bytes` at `local` (a file of the server folder). Synchronous: one line, appended whole.
 * A lab made before labs kept a ledger gets none (a ledger of later writes only would call its first files the admin's).
 */
export function recordLabWrite(serverFolder: string, local: string, bytes: Buffer): void {
  const ledger = join(serverFolder, LAB_FILES_LEDGER);
  if (!existsSync(ledger)) return;
  appendFileSync(ledger, JSON.stringify({ p: ledgerKey(serverFolder, local), h: sha256(bytes) }) + '\n');
}

/** The lab drives of a server folder: the one-letter folders (C, D …) that stand for its drives. */
async function driveFolders(serverFolder: string): Promise<string[]> {
  const entries = await readdir(serverFolder, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && /^[A-Za-z]$/.test(e.name)).map((e) => join(serverFolder, e.name));
}

/** Every file (and symbolic link) under `folder`, depth first. */
async function filesUnder(folder: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(folder, { withFileTypes: true })) {
    const p = join(folder, e.name);
    if (e.isDirectory()) out.push(...(await filesUnder(p)));
    else out.push(p);
  }
  return out;
}

/** A fresh ledger for a server folder just built: every file on its drives now is the lab's. */
export async function snapshotLabFiles(serverFolder: string): Promise<void> {
  const lines: string[] = [];
  for (const drive of await driveFolders(serverFolder)) {
    for (const file of await filesUnder(drive)) {
      const s = await lstat(file);
      if (s.isFile()) lines.push(JSON.stringify({ p: ledgerKey(serverFolder, file), h: sha256(await readFile(file)) }));
    }
  }
  await writeFile(join(serverFolder, LAB_FILES_LEDGER), lines.length ? lines.join('\n') + '\n' : '');
}

/** Path → every SHA-256 the lab wrote there; undefined when the server folder has no ledger (an older lab). */
async function readLedger(serverFolder: string): Promise<Map<string, Set<string>> | undefined> {
  let text: string;
  try {
    text = await readFile(join(serverFolder, LAB_FILES_LEDGER), 'utf8');
  } catch {
    return undefined;
  }
  const written = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const { p, h } = JSON.parse(line) as { p?: unknown; h?: unknown };
      if (typeof p !== 'string' || typeof h !== 'string') continue;
      const key = p.toLowerCase(); // the lab's drives are case-insensitive, as Windows'
      written.set(key, (written.get(key) ?? new Set()).add(h));
    } catch {
      // a line cut by a crash proves nothing: its file counts as the admin's and stays
    }
  }
  return written;
}

/** A file the admin keeps, moved aside while the lab is rebuilt: where it belongs and where it waits. */
export interface KeptFile {
  home: string;
  aside: string;
}

/** True when the server folder has a ledger, i.e. -Force can tell the lab's files from the admin's. */
export async function hasLabLedger(serverFolder: string): Promise<boolean> {
  return (await readLedger(serverFolder)) !== undefined;
}

/**
 * Moves every file on the server's drives that the lab did not write (by path and bytes) into `asideFolder`, keeping
 * its place below the server folder, and returns them; what is left on the drives is the lab's to remove.
 */
export async function setAsideAdminFiles(serverFolder: string, asideFolder: string): Promise<KeptFile[]> {
  const written = (await readLedger(serverFolder)) ?? new Map<string, Set<string>>();
  const kept: KeptFile[] = [];
  for (const drive of await driveFolders(serverFolder)) {
    for (const file of await filesUnder(drive)) {
      const s = await lstat(file);
      const key = ledgerKey(serverFolder, file);
      if (s.isFile() && written.get(key.toLowerCase())?.has(sha256(await readFile(file)))) continue;
      const aside = join(asideFolder, ...key.split('/'));
      await mkdir(dirname(aside), { recursive: true });
      await rename(file, aside);
      kept.push({ home: file, aside });
    }
  }
  return kept;
}

/** Puts the admin's files back where they were, over what the rebuilt lab wrote there, and removes the aside folder. */
export async function putBackAdminFiles(kept: KeptFile[], asideFolder: string): Promise<void> {
  for (const k of kept) {
    await mkdir(dirname(k.home), { recursive: true });
    await rm(k.home, { force: true });
    await rename(k.aside, k.home);
  }
  await rm(asideFolder, { recursive: true, force: true });
}
