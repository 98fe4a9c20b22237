/**
 * The users whose way of signing in has no counterpart the Migration Utility can write (M1): PIN modes (phone call
 * with PIN, mobile app with PIN: "no equivalent", enable voice OTP or number matching instead) and security
 * questions (not among the Utility's sync rules). Read from MFA Server's own service logs through Get-MfaServerUsage's
 * reader: only what the log lines say. A PIN mode is recognised by its result constant's name (W2's table, a single
 * unofficial source [?]); which constants mean a PIN mode is an inference.
 */
import type { Host } from '../host/host';
import { LEARN, basis, inference } from '../domain/learn-sources';
import { row } from '../domain/readiness-types';
import { readServerUsage, type UserUsage } from '../usage/index';
import { isCoreError } from '../util/errors';
import type { MigrationRow } from './server-checks';

/** A result of a PIN mode: PIN entered, expired, incorrect… but not "NO_PIN" (a plain phone call answered with #). */
export function isPinModeResult(result: string): boolean {
  return /(^|_)PIN(_|$)/.test(result) && !/(^|_)NO_PIN(_|$)/.test(result);
}

export function methodsThatDoNotMigrate(user: UserUsage): string[] {
  const out = new Set<string>();
  for (const r of user.Results) if (isPinModeResult(r.Result)) out.add(`PIN mode (${r.Result})`);
  if (user.Methods.includes('SecurityQuestions')) out.add('SecurityQuestions');
  return [...out];
}

export interface MethodCheck {
  row: MigrationRow;
  /** The users and what they use that does not migrate (for the report). */
  users: { User: string; Methods: string[]; LastSeen: string | null }[];
  /** The usage summary the check read (for the report): users, authentications, last seen. */
  summary: { Users: number; Authentications: number; LastSeen: string | null; Files: number; UnparsedLines: number } | null;
}

export async function methodCheck(host: Host): Promise<MethodCheck> {
  const why = basis('PIN modes have no equivalent in Entra MFA (enable voice OTP or number matching); the Utility migrates phones, the mobile app and ' +
    'OATH tokens', LEARN.migration) + '; ' + inference('which log lines name a PIN mode or security questions (result constants from a public mirror of ' +
    'Microsoft\'s support wiki)');
  let report;
  try {
    report = await readServerUsage(host, {});
  } catch (e) {
    if (!isCoreError(e)) throw e;
    return {
      row: row(host.computerName, 'MethodsThatDoNotMigrate', 'Warning', `The service logs could not be read: ${e.message}`,
        'Run Get-MfaServerUsage -Path with a copy of the logs.', why),
      users: [],
      summary: null,
    };
  }
  const users = report.Users.map((u) => ({ User: u.User, Methods: methodsThatDoNotMigrate(u), LastSeen: u.LastSeen })).filter((u) => u.Methods.length > 0);
  const summary = {
    Users: report.Users.length,
    Authentications: report.Users.reduce((n, u) => n + u.Count, 0),
    LastSeen: report.Users.reduce<string | null>((m, u) => (u.LastSeen && (!m || u.LastSeen > m) ? u.LastSeen : m), null),
    Files: report.Files.length,
    UnparsedLines: report.UnparsedLines,
  };
  const seen = `${report.Users.length} user(s) in ${report.Files.length} log file(s)`;
  if (users.length === 0) {
    return { row: row(host.computerName, 'MethodsThatDoNotMigrate', 'Passed', `No user of the logs (${seen}) used a PIN mode or security questions.`,
      null, why), users, summary };
  }
  const shown = users.slice(0, 10).map((u) => `${u.User}: ${u.Methods.join(', ')}`).join('; ');
  return {
    row: row(host.computerName, 'MethodsThatDoNotMigrate', 'Warning', `${users.length} of ${seen} use what does not migrate: ${shown}` +
      `${users.length > 10 ? '; …' : ''}.`,
    'Before they move, enable voice OTP or number matching in the tenant and tell these users to register a method that migrates ' +
      '(Get-MfaServerUsage -User <name> shows each).', why),
    users,
    summary,
  };
}
