/**
 * What the remote test files share: a private loopback sshd, a temp folder, and the module in real pwsh pointed at the
 * sshd (test/helpers/sshd.ts). Each file keeps its own variables and calls these from its before/after hooks.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modulePath, openModuleSession } from './pwsh';
import { LoopbackSshd, assertSshdAvailable } from './sshd';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

export interface RemoteSuite {
  sshd: LoopbackSshd;
  root: string;
  ps: PowerShellSession;
}

export interface RemoteSuiteOptions {
  /** Set up the sshd before the module's PowerShell starts (another address or port to listen on). */
  prepare?: (sshd: LoopbackSshd, root: string) => Promise<void> | void;
  /** Environment of the module's PowerShell beyond this process's and the sshd's client settings. */
  env?: (sshd: LoopbackSshd, root: string) => NodeJS.ProcessEnv;
  /** Another build of the module (the test build with its hooks). */
  module?: string;
}

/** The temp folder is named `<prefix>XXXXXX`. */
export async function startRemoteSuite(prefix: string, options: RemoteSuiteOptions = {}): Promise<RemoteSuite> {
  assertSshdAvailable();
  const sshd = await LoopbackSshd.start();
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  await options.prepare?.(sshd, root);
  const env = { ...process.env, ...sshd.clientEnv, ...options.env?.(sshd, root) };
  const ps = await openModuleSession(root, env, options.module ?? modulePath);
  return { sshd, root, ps };
}

/** Ends what startRemoteSuite started; `removeSessions`: the test opened sessions of its own in the module's pwsh. */
export async function stopRemoteSuite(suite: Partial<RemoteSuite>, removeSessions = false): Promise<void> {
  if (removeSessions) await suite.ps?.run('Get-PSSession | Remove-PSSession').catch(() => undefined);
  await suite.ps?.close();
  await suite.sshd?.stop();
  if (suite.root) rmSync(suite.root, { recursive: true, force: true });
}

/** Steps of a run's journal that have completed (0 while it is not written yet, or caught between write and rename). */
export function completedSteps(journalFile: string): number {
  try {
    const j = JSON.parse(readFileSync(journalFile, 'utf8')) as { Steps?: Record<string, { Status: string }> | { Status: string }[] };
    const steps = Array.isArray(j.Steps) ? j.Steps : Object.values(j.Steps ?? {});
    return steps.filter((s) => s.Status === 'Completed').length;
  } catch {
    return 0;
  }
}

/** The upgrade of a far lab the remote tests run (values: lab, backups). */
export const FAR_LAB_UPGRADE = `Invoke-MfaServerUpgrade -ComputerName 127.0.0.1 -LabPath $V.lab -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $V.backups -Confirm:$false`;
