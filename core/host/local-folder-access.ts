/**
 * Closing a folder of the machine running the core (a backup, a run folder, a lab rebuilt from a backup) to everyone
 * but a few accounts. Such a folder is never on the server a Host stands for (the backup of a remote server is written
 * here), so this is the local machine's side of the port: on Windows the Windows adapter runs icacls, elsewhere (a lab
 * on Linux or macOS) the folder becomes owner-only, mode 0700.
 */
import { promises as fs } from 'node:fs';
import type { CommandRunner } from './windows/command-runner';
import { SpawnCommandRunner } from './windows/spawn-command-runner';
import { grantOnly } from './windows/folder-access';

/**
 * Administrators, SYSTEM, OWNER RIGHTS: full control, inherited by every file and folder below (by SID, so it works in
 * every Windows language). What a folder holding secrets or records gets: backups, run folders, tenant snapshots.
 */
export const ADMINISTRATORS_ONLY_GRANTS = ['*S-1-5-32-544:(OI)(CI)F', '*S-1-5-18:(OI)(CI)F', '*S-1-3-4:(OI)(CI)F'];

export interface LocalMachine {
  platform: NodeJS.Platform;
  /** Starts programs on Windows (a recorded fake in tests). */
  runner: CommandRunner;
  systemRoot: string;
}

export const thisMachine = (): LocalMachine => ({
  platform: process.platform,
  runner: new SpawnCommandRunner(),
  systemRoot: process.env.SystemRoot ?? 'C:\\Windows',
});

/**
 * Resolves once only `windowsGrants` (icacls grants by SID) may use the folder, or its owner off Windows; rejects with
 * an Error whose message says why in one line when the folder cannot be closed.
 */
export async function closeLocalFolder(folder: string, windowsGrants: string[], machine: LocalMachine = thisMachine()): Promise<void> {
  if (machine.platform !== 'win32') {
    await fs.chmod(folder, 0o700);
    return;
  }
  const result = await grantOnly(machine.runner, machine.systemRoot, folder, windowsGrants);
  if (result.exitCode !== 0) {
    throw new Error(`icacls ended with exit code ${result.exitCode}: ${(result.stderr.trim() || result.stdout.trim()).split(/\r?\n/)[0]}`);
  }
}
