/**
 * Get-MfaMigrationStatus: for each user of the Migration Utility's group, whether the audit log shows the Utility wrote
 * their methods (which, when), and whether they are in a Staged Rollout group yet: who is safe to roll out.
 * Flat rows (strings, numbers, booleans) so that Export-Csv keeps every column.
 * The audit log keeps entries 30 days by default (BASIS.auditRetention): a user migrated earlier shows no entry.
 */
import type { OpenedGraph } from './open-reader';
import type { DirectoryObject } from './graph-types';
import { resolveGroup, transitiveUsers } from './groups';
import { methodName, readMigrationWrites, type UserWrites } from './migration-audit';
import { isMfaRollout, readRolloutGroup, readRolloutPolicies } from './staged-rollout';

export const MIGRATION_STATES = ['ReadyForRollout', 'InRollout', 'NotMigrated', 'InRolloutNotMigrated'] as const;
export type MigrationState = (typeof MIGRATION_STATES)[number];

export interface MigrationStatusRow {
  UserPrincipalName: string;
  DisplayName: string;
  UserId: string;
  Status: MigrationState;
  Migrated: boolean;
  MethodsWritten: string;
  MethodCodes: string;
  DefaultMethod: string;
  FirstWritten: string;
  LastWritten: string;
  AuditEntries: number;
  DeviceEntries: number;
  FailedEntries: number;
  InStagedRollout: boolean;
  StagedRolloutGroups: string;
  Detail: string;
}

export interface MigrationStatusRequest {
  migrationGroup: string;
  /** Only audit entries at or after this time. */
  since?: Date;
}

export async function migrationStatus(graph: OpenedGraph, request: MigrationStatusRequest, progress: (step: string) => void): Promise<MigrationStatusRow[]> {
  const { reader } = graph;
  const group = await resolveGroup(reader, request.migrationGroup);
  progress(`Members of ${group.displayName ?? group.id}`);
  const users = await transitiveUsers(reader, group.id);
  progress('Audit log entries by Azure MFA Management');
  const writes = await readMigrationWrites(reader, request.since);
  progress('Staged Rollout groups');
  const rollout = new Map<string, string[]>();
  for (const policy of (await readRolloutPolicies(reader)).filter((p) => isMfaRollout(p) && p.isEnabled === true)) {
    for (const target of policy.appliesTo ?? []) {
      const g = await readRolloutGroup(reader, target);
      for (const u of g.users) rollout.set(u.id.toLowerCase(), [...(rollout.get(u.id.toLowerCase()) ?? []), g.displayName ?? g.id]);
    }
  }
  return statusRows(users, writes, rollout);
}

/** The rows, from what was read: also what the report uses. */
export function statusRows(users: DirectoryObject[], writes: Map<string, UserWrites>, rollout: Map<string, string[]>): MigrationStatusRow[] {
  return users.map((user) => {
    const w = writes.get(user.id.toLowerCase());
    const groups = rollout.get(user.id.toLowerCase()) ?? [];
    const migrated = (w?.methodEntries ?? 0) + (w?.otherEntries ?? 0) > 0;
    const inRollout = groups.length > 0;
    const codes = [...(w?.codes ?? [])].sort((a, b) => a - b);
    const status: MigrationState = migrated ? (inRollout ? 'InRollout' : 'ReadyForRollout') : inRollout ? 'InRolloutNotMigrated' : 'NotMigrated';
    return {
      UserPrincipalName: user.userPrincipalName ?? w?.userPrincipalName ?? '',
      DisplayName: user.displayName ?? '',
      UserId: user.id,
      Status: status,
      Migrated: migrated,
      MethodsWritten: codes.map(methodName).join('; '),
      MethodCodes: codes.join('; '),
      DefaultMethod: w?.defaultCode == null ? '' : methodName(w.defaultCode),
      FirstWritten: w?.first ?? '',
      LastWritten: w?.last ?? '',
      AuditEntries: (w?.methodEntries ?? 0) + (w?.otherEntries ?? 0),
      DeviceEntries: w?.otherEntries ?? 0,
      FailedEntries: w?.failedEntries ?? 0,
      InStagedRollout: inRollout,
      StagedRolloutGroups: groups.join('; '),
      Detail: detail(status, w),
    };
  });
}

function detail(status: MigrationState, w: UserWrites | undefined): string {
  const failed = w?.failedEntries ? ` ${w.failedEntries} write(s) by the Utility failed.` : '';
  switch (status) {
    case 'ReadyForRollout':
      return `The Utility wrote this user's methods; not in a Staged Rollout group yet: safe to add.${failed}`;
    case 'InRollout':
      return `Migrated and in Staged Rollout: signs in with Entra MFA.${failed}`;
    case 'InRolloutNotMigrated':
      return 'In a Staged Rollout group with no write by the Utility in the audit log: this user reaches Entra MFA without migrated methods (or was migrated ' +
        `before the log's retention, 30 days by default).${failed}`;
    default:
      return 'No write by the Utility in the audit log (30 days by default): not migrated yet, or migrated earlier. Keep out of Staged Rollout until ' +
        `migrated.${failed}`;
  }
}
