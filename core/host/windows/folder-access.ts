/**
 * icacls, run by the Windows adapter's command runner like every other program the core starts (time-out, command
 * watch): a folder's inherited permissions are removed and full control is granted to the given accounts only.
 * Accounts are named by SID (`*S-1-5-32-544`), so the same command works in every Windows language.
 */
import * as path from 'node:path';
import type { CommandResult, CommandRunner } from './command-runner';

const ICACLS_TIMEOUT_MS = 60_000;

/** The icacls arguments that close a folder to all but `grants`. */
export function icaclsArguments(folder: string, grants: string[]): string[] {
  return [folder, '/inheritance:r', '/grant:r', ...grants];
}

export function grantOnly(runner: CommandRunner, systemRoot: string, folder: string, grants: string[]): Promise<CommandResult> {
  return runner.run(path.win32.join(systemRoot, 'System32', 'icacls.exe'), icaclsArguments(folder, grants), { timeoutMs: ICACLS_TIMEOUT_MS });
}
