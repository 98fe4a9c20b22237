/**
 * A backup holds the Web Service SDK service account password (the web.configs) in plain text, so its folder is closed
 * to everyone but administrators before the first file is written into it. On Windows: icacls removes the inherited
 * permissions and grants full control to Administrators, SYSTEM and the folder's owner, named by SID so that it works
 * in every Windows language. Elsewhere (a lab on Linux or macOS): mode 0700, owner only.
 * When the folder cannot be closed (a FAT volume, a share that refuses permission changes) the backup is refused:
 * leaving the password readable by every user of the server is the surprise no admin wants.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from '../util/errors';
import type { CommandRunner } from '../host/windows/command-runner';
import { SpawnCommandRunner } from '../host/windows/spawn-command-runner';

/** Administrators, SYSTEM, OWNER RIGHTS: full control, inherited by every file and folder below. */
export const BACKUP_FOLDER_GRANTS = ['*S-1-5-32-544:(OI)(CI)F', '*S-1-5-18:(OI)(CI)F', '*S-1-3-4:(OI)(CI)F'];

export interface ProtectFolderDeps {
  platform: NodeJS.Platform;
  /** Starts icacls.exe on Windows (a recorded fake in tests). */
  runner: CommandRunner;
  systemRoot: string;
}

const defaultDeps = (): ProtectFolderDeps => ({
  platform: process.platform,
  runner: new SpawnCommandRunner(),
  systemRoot: process.env.SystemRoot ?? 'C:\\Windows',
});

/** The icacls command line that closes a folder (shown in help and errors, run by protectFolder). */
export function icaclsArguments(folder: string): string[] {
  return [folder, '/inheritance:r', '/grant:r', ...BACKUP_FOLDER_GRANTS];
}

export async function protectFolder(folder: string, deps: ProtectFolderDeps = defaultDeps()): Promise<void> {
  if (deps.platform !== 'win32') {
    await fs.chmod(folder, 0o700).catch((e: NodeJS.ErrnoException) => {
      throw notProtected(folder, e.message);
    });
    return;
  }
  const icacls = path.win32.join(deps.systemRoot, 'System32', 'icacls.exe');
  const result = await deps.runner.run(icacls, icaclsArguments(folder), { timeoutMs: 60_000 });
  if (result.exitCode !== 0) {
    throw notProtected(folder, `icacls ended with exit code ${result.exitCode}: ${(result.stderr.trim() || result.stdout.trim()).split(/\r?\n/)[0]}`);
  }
}

function notProtected(folder: string, why: string): CoreError {
  return new CoreError(
    'BackupFolderNotProtected',
    `Could not limit ${folder} to administrators (${why}). A backup holds the Web Service SDK service account password, so nothing was backed up: choose a ` +
      `destination on an NTFS volume where this account may change permissions.`,
    folder,
  );
}
