/**
 * May this run start? Two guards, both checked before the run writes anything (log, journal, report, backup):
 * run.lock in the run folder (one run of this upgrade at a time: journal/run-lock.ts) and the claim on every server
 * (one upgrade of a server at a time, whoever runs it: server-claim.ts). A refusal is an ordinary result that says who
 * holds what: 1618 for a run of the same folder (deployments retry it), 69003 for a server another run owns.
 */
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { OperationContext } from '../../util/operation-context';
import { acquireRunLock, type RunLock, type RunLockOwner } from '../../journal/run-lock';
import { resultBeforeChanges } from './result-before-changes';
import { CoreError, isCoreError } from '../../util/errors';
import { UPGRADE_EXIT_CODES } from '../../domain/upgrade-exit-codes';
import { claimServers, releaseServers } from './server-claim';
import type { UpgradeResult } from './upgrade-result';

export interface RunGuard {
  /** The lock was left by a run that no longer exists and was taken over: what it said. */
  tookOverFrom: RunLockOwner | undefined;
  /** The run completed, or recorded nothing: its servers are free for other runs. */
  releaseServers(ctx: OperationContext): Promise<void>;
  /** The run ended (however): the folder is free. */
  release(): Promise<void>;
}

const REFUSALS: Record<string, { exitCode: number; next: string }> = {
  RunInProgress: {
    exitCode: UPGRADE_EXIT_CODES.InstallerBusy,
    next: 'Run the same command again with -Resume once the other run has ended; deployments retry exit code 1618 by themselves.',
  },
  ServerClaimedByOtherRun: {
    exitCode: UPGRADE_EXIT_CODES.FailedBeforeChanges,
    next: 'Continue or clear the other run as the message says; this run changed nothing.',
  },
  ServerClaimUnreadable: { exitCode: UPGRADE_EXIT_CODES.FailedBeforeChanges, next: 'Check the claim file as the message says; this run changed nothing.' },
};

export async function guardRun(hosts: Host[], folder: string, ctx: OperationContext): Promise<RunGuard | { refused: UpgradeResult }> {
  let lock: RunLock | undefined;
  try {
    lock = await acquireRunLock(folder);
    await claimServers(hosts, folder);
  } catch (e) {
    await lock?.release();
    const refusal = isCoreError(e) ? REFUSALS[e.code] : undefined;
    if (!refusal) throw e;
    return { refused: refusedResult(e as CoreError, refusal.exitCode, refusal.next, path.join(folder, 'journal.json'), ctx) };
  }
  const held = lock;
  return {
    tookOverFrom: held.tookOverFrom,
    releaseServers: (c) =>
      releaseServers(hosts, folder).catch((e: Error) =>
        c.log('warning', `This run's claim on the servers could not be removed (${e.message}); running the same command again removes it.`),
      ),
    release: () => held.release(),
  };
}

/** The answer to a run that may not start: nothing was done, and the message says who holds what. */
function refusedResult(e: CoreError, exitCode: number, nextAction: string, journalPath: string, ctx: OperationContext): UpgradeResult {
  ctx.log('warning', e.message);
  return resultBeforeChanges({ exitCode, message: e.message, nextAction, journalPath });
}
