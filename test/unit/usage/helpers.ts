/** Generated service logs on a test host, and the aggregates a test expects, counted from the generator's own facts. */
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LocalFolderHost } from '../backup/local-folder-host';
import type { GeneratedAuthentication, GeneratedLine } from '../../../core/host/lab/service-log-history';

export const LOGS = 'C:\\Program Files\\Multi-Factor Authentication Server\\Logs';

export async function hostWithLogs(files: Array<[name: string, lines: GeneratedLine[]]>, folder = LOGS): Promise<LocalFolderHost> {
  const host = new LocalFolderHost(mkdtempSync(path.join(os.tmpdir(), 'mfa-usage-')));
  await host.makeDirectory(folder);
  for (const [name, lines] of files) await host.writeFileAtomic(`${folder}\\${name}`, Buffer.from(lines.map((l) => `${l.text}\r\n`).join(''), 'utf8'));
  return host;
}

export interface ExpectedUser {
  count: number;
  succeeded: number;
  failed: number;
  primary: number;
  last: string;
  results: Map<string, number>;
  callers: Set<string>;
}

/** Per user (lower-case name) and per day, counted without the parser. */
export function expectedUsage(lines: GeneratedLine[], keep: (a: GeneratedAuthentication) => boolean = () => true) {
  const users = new Map<string, ExpectedUser>();
  const days = new Map<string, { count: number; failed: number }>();
  const callers = new Map<string, number>();
  let garbage = 0;
  let other = 0;
  for (const l of lines) {
    if (l.kind === 'garbage') garbage++;
    if (l.kind === 'other') other++;
    if (l.kind !== 'authentication' || !keep(l.authentication)) continue;
    const a = l.authentication;
    const u = users.get(a.user.toLowerCase()) ?? { count: 0, succeeded: 0, failed: 0, primary: 0, last: '', results: new Map(), callers: new Set() };
    users.set(a.user.toLowerCase(), u);
    const day = days.get(a.time.toISOString().slice(0, 10)) ?? { count: 0, failed: 0 };
    days.set(a.time.toISOString().slice(0, 10), day);
    if (a.factor === 'primary') u.primary++;
    else {
      u.count++;
      day.count++;
      if (a.succeeded) u.succeeded++;
      else {
        u.failed++;
        day.failed++;
      }
      callers.set(a.caller, (callers.get(a.caller) ?? 0) + 1);
    }
    if (a.time.toISOString() >= u.last) u.last = a.time.toISOString();
    u.results.set(a.result, (u.results.get(a.result) ?? 0) + 1);
    u.callers.add(a.caller);
  }
  return { users, days, callers, garbage, other };
}
