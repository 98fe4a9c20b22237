/**
 * Real PowerShell for the module tests: the pinned pwsh 7.6.9 from `.config/dotnet-tools.json`, driven through the
 * project's own safe adapter over node-powershell.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { PowerShellSession } from '../../core/host/remote/powershell-session';

export const repoRoot = path.resolve(__dirname, '..', '..');
export const modulePath = path.join(repoRoot, 'ps-module', 'MfaServerUpgrade');
/**
 * The test build of the module (scripts/build.mjs): the same module with the core's fault hooks compiled in
 * (MFA_TEST_CRASH_AT, MFA_TEST_HANG_AT, MFA_TEST_REMOTING_SHIM; core/util/test-hooks.ts). Only tests that inject
 * faults use it; the shipped module ignores those variables because it has no code for them.
 */
export const faultModulePath = path.join(repoRoot, 'build', 'test-module', 'MfaServerUpgrade');

let cachedPwsh: string | undefined;

/** The pwsh executable of the pinned dotnet tool (its apphost in $PSHOME). */
export function pwshExecutable(): string {
  if (cachedPwsh) return cachedPwsh;
  const home = execFileSync('dotnet', ['pwsh', '-NoProfile', '-NonInteractive', '-Command', '$PSHOME'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  const exe = path.join(home, process.platform === 'win32' ? 'pwsh.exe' : 'pwsh');
  if (!existsSync(exe)) throw new Error(`pwsh not found at ${exe}: run 'dotnet tool restore' in ${repoRoot}`);
  cachedPwsh = exe;
  return exe;
}

/** A pwsh session with the generated module imported and the working directory set. */
export async function openModuleSession(cwd: string = repoRoot, env: NodeJS.ProcessEnv = process.env, module: string = modulePath): Promise<PowerShellSession> {
  const session = PowerShellSession.open({ executable: pwshExecutable(), cwd, env, timeoutMs: 300_000 });
  const imported = await session.run(`Import-Module '${module.replace(/'/g, "''")}' -Force -ErrorAction Stop; Set-Location -LiteralPath $V.cwd`, { cwd });
  if (!imported.ok) {
    // Closed, or its pwsh keeps the test process alive after the failure is reported.
    await session.close();
    throw new Error(`Import-Module failed: ${imported.terminatingError?.message}`);
  }
  return session;
}
