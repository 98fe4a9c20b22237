/**
 * Closing a folder of the machine running the core (a backup, a run folder, a lab rebuilt from a backup) to everyone
 * but a few accounts. Such a folder is never on the server a Host stands for (the backup of a remote server is written
 * here), so this is the local machine's side of the port: on Windows the Windows adapter runs icacls, elsewhere (a lab
 * on Linux or macOS) the folder becomes owner-only, mode 0700.
 *
 * Closing starts by taking the folder, and all in it, away from any other account: a folder created in advance by
 * another account would otherwise stay that account's (its owner may read and change it whatever its mode or ACL
 * says). On Windows Administrators take ownership (icacls /setowner, as the staging folder of Host.closeFolder);
 * elsewhere the folder becomes this account's (chown: root may; any other account is refused by the system, and the
 * folder is then reported as not closed).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { CommandResult, CommandRunner } from './windows/command-runner';
import { SpawnCommandRunner } from './windows/spawn-command-runner';
import { grantOnly, takeOwnership } from './windows/folder-access';

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
 * Resolves once only `windowsGrants` (icacls grants by SID) may use the folder, or its owner (this account) off
 * Windows; rejects with an Error whose message says why in one line when the folder cannot be closed.
 */
export async function closeLocalFolder(folder: string, windowsGrants: string[], machine: LocalMachine = thisMachine()): Promise<void> {
  if (machine.platform !== 'win32') {
    await closeToThisAccount(folder);
    return;
  }
  const { runner, systemRoot } = machine;
  for (const run of [() => takeOwnership(runner, systemRoot, folder), () => grantOnly(runner, systemRoot, folder, windowsGrants)]) {
    const result: CommandResult = await run();
    if (result.exitCode !== 0) {
      throw new Error(`icacls ended with exit code ${result.exitCode}: ${(result.stderr.trim() || result.stdout.trim()).split(/\r?\n/)[0]}`);
    }
  }
}

/**
 * Off Windows: the folder and everything in it become this account's (symbolic links themselves, never what they point
 * to), then the folder is owner-only (0700). Rejects naming the entry another account keeps.
 */
export async function closeToThisAccount(folder: string): Promise<void> {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid !== undefined && gid !== undefined) await ownTree(folder, uid, gid);
  await fs.chmod(folder, 0o700);
}

async function ownTree(entry: string, uid: number, gid: number): Promise<void> {
  const s = await fs.lstat(entry);
  if (s.uid !== uid) {
    await fs.lchown(entry, uid, gid).catch((e: NodeJS.ErrnoException) => {
      throw new Error(`${entry} belongs to another account (uid ${s.uid}) and cannot be made this account's (${e.code ?? e.message})`);
    });
  }
  if (s.isDirectory()) for (const name of await fs.readdir(entry)) await ownTree(path.join(entry, name), uid, gid);
}
