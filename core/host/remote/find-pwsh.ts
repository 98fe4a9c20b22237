/**
 * The PowerShell that opens remoting sessions for the core. The core is started by the module's transport, so the
 * PowerShell the admin is running is the best choice (same version, same remoting configuration): $env:MFA_PWSH
 * first, then the parent process when it is PowerShell (Linux: /proc), then pwsh on PATH, then Windows PowerShell.
 */
import { accessSync, constants, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from '../../util/errors';

const POWERSHELL_NAME = /^(pwsh|powershell)(\.exe)?$/i;

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function parentPowerShell(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const exe = readlinkSync(`/proc/${process.ppid}/exe`);
    return POWERSHELL_NAME.test(path.basename(exe)) ? exe : undefined;
  } catch {
    return undefined;
  }
}

function onPath(names: string[]): string | undefined {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

export function findPowerShell(env: NodeJS.ProcessEnv = process.env): string {
  if (env.MFA_PWSH) {
    if (isExecutable(env.MFA_PWSH)) return env.MFA_PWSH;
    throw new CoreError('PowerShellNotFound', `MFA_PWSH is set to '${env.MFA_PWSH}', but no executable is there.`, 'MFA_PWSH');
  }
  const names = process.platform === 'win32' ? ['pwsh.exe', 'powershell.exe'] : ['pwsh'];
  const found = parentPowerShell() ?? onPath(names);
  if (found) return found;
  throw new CoreError(
    'PowerShellNotFound',
    'Working on a remote server needs PowerShell on this machine to open the remoting session, and none was found: install PowerShell 7 or ' +
      'set MFA_PWSH to its path.',
    'ComputerName',
  );
}
