/**
 * icacls, run by the Windows adapter's command runner like every other program the core starts (time-out, command
 * watch): a folder's inherited permissions are removed and full control is granted to the given accounts only.
 * Accounts are named by SID (`*S-1-5-32-544`), so the same command works in every Windows language.
 */
import * as path from 'node:path';
import type { CommandResult, CommandRunner } from './command-runner';
import { CoreError } from '../../util/errors';

const ICACLS_TIMEOUT_MS = 60_000;

/** The icacls arguments that close a folder to all but `grants`. */
export function icaclsArguments(folder: string, grants: string[]): string[] {
  return [folder, '/inheritance:r', '/grant:r', ...grants];
}

export function grantOnly(runner: CommandRunner, systemRoot: string, folder: string, grants: string[]): Promise<CommandResult> {
  return runner.run(path.win32.join(systemRoot, 'System32', 'icacls.exe'), icaclsArguments(folder, grants), { timeoutMs: ICACLS_TIMEOUT_MS });
}

/** BUILTIN\Administrators and NT AUTHORITY\SYSTEM, by SID; (OI)(CI): the folder, its subfolders and files. */
const ADMINISTRATORS = '*S-1-5-32-544';

/**
 * The icacls arguments that make Administrators the owner of a folder and of everything in it: a folder another
 * account created beforehand (and files it put there) stop being that account's, whose OWNER RIGHTS would otherwise
 * keep it full access.
 */
export function takeOwnershipArguments(folder: string): string[] {
  return [folder, '/setowner', ADMINISTRATORS, '/T', '/C'];
}

export function takeOwnership(runner: CommandRunner, systemRoot: string, folder: string): Promise<CommandResult> {
  return runner.run(path.win32.join(systemRoot, 'System32', 'icacls.exe'), takeOwnershipArguments(folder), { timeoutMs: ICACLS_TIMEOUT_MS });
}
const ADMINS_AND_SYSTEM = [`${ADMINISTRATORS}:(OI)(CI)F`, '*S-1-5-18:(OI)(CI)F'];

/**
 * A server's folder closed to all but administrators (Host.closeFolder): first Administrators take ownership of it and
 * everything in it (a folder another account created beforehand, and files it put there, stop being that account's),
 * then every entry's permissions are replaced by full control for Administrators and SYSTEM only.
 */
export class WindowsFolderAccess {
  constructor(
    private readonly runner: CommandRunner,
    private readonly system32: string,
    private readonly computerName: string,
  ) {}

  async closeToAdministrators(folder: string): Promise<void> {
    const icacls = path.win32.join(this.system32, 'icacls.exe');
    for (const args of [takeOwnershipArguments(folder), [...icaclsArguments(folder, ADMINS_AND_SYSTEM), '/T']]) {
      const r = await this.runner.run(icacls, args, { timeoutMs: ICACLS_TIMEOUT_MS });
      if (r.exitCode !== 0) {
        const said = (r.stderr.trim() || r.stdout.trim()).split(/\r?\n/)[0];
        const what = `icacls could not close ${folder} on ${this.computerName} to all but administrators`;
        throw new CoreError('FolderNotProtected', `${what} (exit code ${r.exitCode}): ${said}`, folder);
      }
    }
  }
}
