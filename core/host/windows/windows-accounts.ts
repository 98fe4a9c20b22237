/**
 * Who the core runs as, and who is in a local group, read in ways that do not depend on the Windows display language:
 * whoami prints the integrity level's SID (S-1-16-...) whatever its label says, and the WinNT ADSI provider gives
 * each group member's ADsPath (WinNT://DOMAIN/name), never a translated header or footer as `net localgroup` does.
 */
import type { CommandRunner } from './command-runner';
import { CoreError } from '../../util/errors';

/** High (elevated administrator) and System mandatory levels. */
const ELEVATED_LEVELS = ['S-1-16-12288', 'S-1-16-16384'];

/** Markers the group script prints; anything else on stdout is ignored. */
const NO_GROUP = 'MFA-NO-GROUP';
const MEMBER = 'MFA-MEMBER\t';

export interface WindowsAccountsOptions {
  whoamiExe: string;
  powershellExe: string;
  /** Longest either program may run (the adapter's command time-out). */
  commandTimeoutMs: number;
}

/** The script given to Windows PowerShell (5.1 syntax): one line per member, or the no-group marker. */
export function groupMembersScript(group: string): string {
  const quoted = group.replace(/'/g, "''");
  return [
    "$ErrorActionPreference = 'Stop'",
    `try { $g = [ADSI]('WinNT://./' + '${quoted}' + ',group'); $null = $g.psbase.RefreshCache() } catch { Write-Output '${NO_GROUP}'; exit 0 }`,
    "foreach ($m in @($g.psbase.Invoke('Members'))) { Write-Output ('" + MEMBER + "' + $m.GetType().InvokeMember('ADsPath', 'GetProperty', $null, $m, " +
      "$null)) }",
  ].join('; ');
}

/** WinNT://CONTOSO/svc-pfsdk -> CONTOSO\svc-pfsdk; WinNT://CONTOSO/MFA01/admin (local account) -> MFA01\admin. */
export function adsPathToAccount(adsPath: string): string {
  const parts = adsPath.replace(/^WinNT:\/\//i, '').split('/').filter((p) => p !== '');
  return parts.slice(-2).join('\\');
}

export class WindowsAccounts {
  constructor(private readonly runner: CommandRunner, private readonly options: WindowsAccountsOptions) {}

  async isElevated(): Promise<boolean> {
    const r = await this.runner.run(this.options.whoamiExe, ['/groups', '/fo', 'csv', '/nh'], { timeoutMs: this.options.commandTimeoutMs });
    if (r.exitCode !== 0) {
      throw new CoreError(
        'ElevationUnknown',
        `whoami /groups ended with exit code ${r.exitCode}: ${(r.stderr.trim() || r.stdout.trim()).split(/\r?\n/)[0]}`,
        'whoami',
      );
    }
    // Every token since Vista carries one mandatory label. Output without any (Wine 8's whoami prints only the user
    // name) says nothing about elevation: unknown, never read as "not elevated".
    if (!/"S-1-16-\d+"/.test(r.stdout)) {
      throw new CoreError(
        'ElevationUnknown',
        `whoami /groups printed no integrity level (no "S-1-16-..." group): ${r.stdout.trim().split(/\r?\n/)[0] || '(nothing)'}`,
        'whoami',
      );
    }
    return ELEVATED_LEVELS.some((sid) => r.stdout.includes(`"${sid}"`));
  }

  async getLocalGroupMembers(group: string): Promise<string[] | undefined> {
    const args = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', groupMembersScript(group)];
    const r = await this.runner.run(this.options.powershellExe, args, { timeoutMs: this.options.commandTimeoutMs });
    if (r.exitCode !== 0) {
      throw new CoreError(
        'GroupReadFailed',
        `Reading the local group '${group}' failed (exit code ${r.exitCode}): ${(r.stderr.trim() || r.stdout.trim()).split(/\r?\n/)[0]}`,
        group,
      );
    }
    const lines = r.stdout.split(/\r?\n/);
    if (lines.some((l) => l.trim() === NO_GROUP)) return undefined;
    return lines.filter((l) => l.startsWith(MEMBER)).map((l) => adsPathToAccount(l.slice(MEMBER.length).trim()));
  }
}
