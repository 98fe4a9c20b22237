/**
 * What the MFA Server Migration Utility wrote, read from the tenant's audit log: the only ground truth of a migration
 * (M1: "Audit logs … Initiated by (actor) … Azure MFA Management … Modified Properties"; a separate entry per device).
 *
 * Documented (M1, Microsoft Learn "MFA Server migration", section "Use Audit logs"): the actor's name and the method
 * codes below. Inferred: the Graph filter (initiatedBy/app/displayName, M1 only shows the portal filter and a KQL query
 * on InitiatedBy.app.displayName), and where the codes sit in an entry (M1 shows the Modified Properties only in a
 * screenshot): every modifiedProperty's newValue is searched for objects with a numeric "MethodType" (and "Default").
 * Entries are also checked here, whatever the filter returned. Phone numbers in those values are never kept.
 */
import type { GraphReader } from './graph-reader';
import type { DirectoryAudit } from './graph-types';

/** The actor the Migration Utility's writes are logged under (M1). */
export const MIGRATION_ACTOR = 'Azure MFA Management';

/** M1's table "authentication method for each code". */
export const METHOD_CODES: Record<number, string> = {
  0: 'VoiceMobile',
  2: 'VoiceOffice',
  3: 'VoiceAlternateMobile',
  5: 'Sms',
  6: 'AuthenticatorPush',
  7: 'Otp',
};

export const methodName = (code: number): string => METHOD_CODES[code] ?? `Unknown(${code})`;

/** One user's writes by the Utility, as the audit log shows them. */
export interface UserWrites {
  userId: string;
  userPrincipalName: string | null;
  /** Successful entries: with method codes (methods) and without (devices, M1: a separate entry per device). */
  methodEntries: number;
  otherEntries: number;
  failedEntries: number;
  codes: Set<number>;
  defaultCode: number | null;
  first: string | null;
  last: string | null;
}

/** Every entry by the Utility's actor (optionally since a time), grouped by the user it wrote to. */
export async function readMigrationWrites(reader: GraphReader, since?: Date): Promise<Map<string, UserWrites>> {
  const clauses = [`initiatedBy/app/displayName eq '${MIGRATION_ACTOR}'`];
  if (since) clauses.push(`activityDateTime ge ${since.toISOString()}`);
  const entries = await reader.list<DirectoryAudit>(`auditLogs/directoryAudits?$filter=${encodeURIComponent(clauses.join(' and '))}`);
  return groupWrites(entries);
}

export function groupWrites(entries: DirectoryAudit[]): Map<string, UserWrites> {
  const users = new Map<string, UserWrites>();
  // Oldest first, so the default method seen last is the one in force.
  const byTime = [...entries].sort((a, b) => (a.activityDateTime ?? '').localeCompare(b.activityDateTime ?? ''));
  for (const entry of byTime) {
    if ((entry.initiatedBy?.app?.displayName ?? '').toLowerCase() !== MIGRATION_ACTOR.toLowerCase()) continue;
    const target = (entry.targetResources ?? []).find((t) => (t.type ?? 'user').toLowerCase() === 'user' && t.id) ?? entry.targetResources?.[0];
    if (!target?.id) continue;
    const key = target.id.toLowerCase();
    const user = users.get(key) ?? {
      userId: target.id, userPrincipalName: target.userPrincipalName ?? null, methodEntries: 0, otherEntries: 0, failedEntries: 0,
      codes: new Set<number>(), defaultCode: null, first: null, last: null,
    };
    users.set(key, user);
    if ((entry.result ?? 'success').toLowerCase() !== 'success') {
      user.failedEntries++;
      continue;
    }
    const found = (target.modifiedProperties ?? []).flatMap((p) => methodTypes(p.newValue ?? null));
    if (found.length > 0) user.methodEntries++;
    else user.otherEntries++;
    for (const m of found) {
      user.codes.add(m.code);
      if (m.isDefault) user.defaultCode = m.code;
    }
    const at = entry.activityDateTime ?? null;
    if (at && (user.first === null || at < user.first)) user.first = at;
    if (at && (user.last === null || at > user.last)) user.last = at;
  }
  return users;
}

/** The {MethodType, Default} objects in a modified property's value (JSON, possibly JSON inside a JSON string). */
export function methodTypes(value: string | null): { code: number; isDefault: boolean }[] {
  if (!value) return [];
  const found: { code: number; isDefault: boolean }[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 4) return;
    if (typeof v === 'string') {
      const parsed = parseJson(v);
      if (parsed !== undefined && parsed !== v) walk(parsed, depth + 1);
    } else if (Array.isArray(v)) {
      for (const item of v) walk(item, depth + 1);
    } else if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const code = o.MethodType ?? o.methodType;
      if (typeof code === 'number' && Number.isInteger(code)) found.push({ code, isDefault: (o.Default ?? o.default) === true });
    }
  };
  walk(value, 0);
  return found;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
