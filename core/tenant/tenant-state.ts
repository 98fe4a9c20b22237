/**
 * Export-MfaTenantState: a dated JSON snapshot of what a cut-over changes in the tenant (M1: federatedIdpMfaBehavior
 * of each federated domain, and Staged Rollout for MFA with its groups), so that a rollback knows what to put back
 * (M1 "Rollback plan": enforceMfaByFederatedIdp and Staged Rollout off). Written like a backup: into a new folder
 * `MfaTenantState-<yyyyMMdd-HHmmss>` closed to administrators before the first byte (icacls by SID; 0700 elsewhere),
 * the JSON written atomically, its SHA-256 beside it in sha256sum's format, read back and checked.
 * Read-only towards the tenant; the only thing written is that folder on this machine.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ADMINISTRATORS_ONLY_GRANTS, closeLocalFolder } from '../host/local-folder-access';
import { fileError, timestamp, writeFileAtomic } from '../util/atomic-write';
import { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import type { OpenedGraph } from './open-reader';
import { readFederatedDomains } from './domains';
import { isGroupObject, isUserObject } from './groups';
import { isHiddenFeature, isMfaRollout, readRolloutGroup, readRolloutPolicies } from './staged-rollout';

export const STATE_FILE = 'tenant-state.json';
export const STATE_KIND = 'MfaServerUpgrade.TenantState';

export interface TenantStateResult {
  Path: string;
  Folder: string;
  Sha256: string;
  TakenAt: string;
  Cloud: string;
  FederatedDomains: number;
  RolloutPolicies: number;
  RolloutGroups: number;
}

export async function exportTenantState(graph: OpenedGraph, destination: string, ctx: OperationContext, now = new Date()): Promise<TenantStateResult[]> {
  ctx.progress('Reading the tenant', 'Federated domains');
  const domains = await readFederatedDomains(graph.reader);
  ctx.progress('Reading the tenant', 'Staged Rollout');
  const policies = (await readRolloutPolicies(graph.reader)).filter((p) => isMfaRollout(p) || isHiddenFeature(p));
  const rollout = [];
  for (const policy of policies) {
    const { appliesTo, ...rest } = policy;
    const groups = [];
    for (const target of appliesTo ?? []) {
      const g = await readRolloutGroup(graph.reader, target);
      groups.push({
        id: g.id, displayName: g.displayName, objectType: g.objectType, dynamic: g.dynamic, membershipRule: g.membershipRule, overLimit: g.overLimit,
        members: [...g.users, ...g.nestedGroups].map((m) => ({ id: m.id, type: isUserObject(m) ? 'user' : isGroupObject(m) ? 'group' : 'other',
          userPrincipalName: m.userPrincipalName ?? null, displayName: m.displayName ?? null })),
      });
    }
    rollout.push({ policy: rest, groups });
  }
  const snapshot = {
    kind: STATE_KIND,
    formatVersion: 1,
    toolVersion: ctx.toolVersion,
    takenAt: now.toISOString(),
    cloud: graph.cloud,
    graphBase: graph.reader.base.href,
    federatedDomains: domains.map((d) => ({ id: d.domain.id, authenticationType: d.domain.authenticationType ?? null, federationConfiguration: d.federation })),
    stagedRollout: rollout,
    toPutBack: [
      ...domains.flatMap((d) => d.federation.map((f) => `PATCH /domains/${d.domain.id}/federationConfiguration/${String(f.id)} ` +
        `{"federatedIdpMfaBehavior":${JSON.stringify(f.federatedIdpMfaBehavior ?? null)}}`)),
      ...rollout.map((r) => `Staged Rollout policy ${String(r.policy.id)}: isEnabled ${String(r.policy.isEnabled)}, groups ` +
        (r.groups.map((g) => g.id).join(', ') || 'none')),
    ],
  };
  const text = JSON.stringify(snapshot, null, 2) + '\n';
  const result = {
    Cloud: graph.cloud, TakenAt: snapshot.takenAt, FederatedDomains: domains.length, RolloutPolicies: rollout.length,
    RolloutGroups: rollout.reduce((n, r) => n + r.groups.length, 0),
  };
  const sha256 = createHash('sha256').update(text, 'utf8').digest('hex');
  const written = await ctx.act(
    { id: 'export-tenant-state', target: destination,
      description: 'Write a snapshot of the tenant\'s federation MFA settings and Staged Rollout (a new folder MfaTenantState-<time>)' },
    () => writeSnapshot(destination, text, sha256, now),
  );
  return written ? [{ ...written, ...result }] : [];
}

async function writeSnapshot(destination: string, text: string, sha256: string, now: Date): Promise<{ Path: string; Folder: string; Sha256: string }> {
  await fs.mkdir(destination, { recursive: true }).catch((e) => Promise.reject(fileError(e, destination)));
  const folder = await newFolder(destination, `MfaTenantState-${timestamp(now)}`);
  await closeLocalFolder(folder, ADMINISTRATORS_ONLY_GRANTS).catch((e: unknown) => {
    throw new CoreError('TenantStateNotProtected',
      `Could not limit ${folder} to administrators (${e instanceof Error ? e.message : String(e)}): nothing was written.`,
      folder);
  });
  const file = path.join(folder, STATE_FILE);
  await writeFileAtomic(file, text);
  await writeFileAtomic(`${file}.sha256`, `${sha256}  ${STATE_FILE}\n`);
  const back = createHash('sha256').update(await fs.readFile(file)).digest('hex');
  if (back !== sha256) throw new CoreError('FileWriteFailed', `${file} does not read back as written (SHA-256 ${back}, expected ${sha256}).`, file);
  return { Path: file, Folder: folder, Sha256: sha256 };
}

/** A folder that did not exist before (two snapshots in one second get -2, -3…): never another's folder. */
async function newFolder(parent: string, name: string): Promise<string> {
  for (let n = 1; ; n++) {
    const folder = path.join(parent, n === 1 ? name : `${name}-${n}`);
    try {
      await fs.mkdir(folder);
      return folder;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 100) throw fileError(e, folder);
    }
  }
}
