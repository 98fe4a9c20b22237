/**
 * Who called the core, told by the module's transport in every request (`caller`, ps-module/src/Get-MfaCaller.ps1):
 * the account, the machine and the module the command was run from. The transport knows them exactly (Windows' own
 * identity: SYSTEM as its SID; the loaded module's manifest); without it (mfa-core run by hand) the core's own process
 * stands in, and no module is known.
 */
import * as os from 'node:os';

export interface CallerFacts {
  /** `DOMAIN\user`; the well-known SID `S-1-5-18` for SYSTEM (its name differs with the display language). */
  account: string;
  /** The computer the command ran on. */
  machine: string;
  /** Full path of the manifest (.psd1) of the MfaServerUpgrade module that ran the command; null when unknown. */
  moduleManifest: string | null;
}

/** The account this process runs as: `DOMAIN\user` as Windows shows it; elsewhere the host name stands in for the domain. */
export function processAccount(): string {
  const user = process.env.USERNAME ?? safeUserName();
  const domain = process.env.USERDOMAIN ?? os.hostname();
  return `${domain}\\${user}`;
}

function safeUserName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The facts a request gave, completed from this process for any it did not give. */
export function callerFacts(given: Partial<CallerFacts> = {}): CallerFacts {
  return {
    account: given.account ?? processAccount(),
    machine: given.machine ?? os.hostname(),
    moduleManifest: given.moduleManifest ?? null,
  };
}
