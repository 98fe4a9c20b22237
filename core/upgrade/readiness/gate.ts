/**
 * Invoke-MfaServerUpgrade's readiness gate: the checks of Test-MfaUpgradeReadiness run before a fresh run changes
 * anything. A Failed check that -SkipReadiness does not name stops the run with 69003; a named one is an accepted
 * risk, written to the log, the journal's Meta and the report. The rows are kept in the run folder (readiness.json)
 * for the report, also on later -Resume runs.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Host } from '../../host/host';
import type { OperationContext } from '../../operations/contract';
import { writeFileAtomic } from '../../util/atomic-write';
import { acceptRisks, blockingRows, runReadiness } from './run-readiness';
import type { ReadinessCheckName, ReadinessRow } from './types';

export const READINESS_FILE_NAME = 'readiness.json';

export interface GateRequest {
  hosts: Host[];
  installerPath: string;
  backupDestination: string;
  skip: ReadinessCheckName[];
}

export async function checkReadinessGate(req: GateRequest, ctx: OperationContext): Promise<{ rows: ReadinessRow[]; blocking: ReadinessRow[] }> {
  ctx.progress('Upgrading to MFA Server', 'Readiness checks');
  const rows = acceptRisks(await runReadiness({ hosts: req.hosts, installerPath: req.installerPath, backupDestination: req.backupDestination }), req.skip);
  for (const r of rows) {
    if (r.Result === 'Passed') ctx.log('verbose', `Readiness ${r.ComputerName} ${r.Check}: Passed. ${r.Detail}`);
    else ctx.log(
      'warning',
      `Readiness ${r.ComputerName} ${r.Check}: ${r.Result}${r.Accepted ? ' (accepted with -SkipReadiness)' : ''}. ${r.Detail}${r.Action ? ` ` +
        `Action: ${r.Action}` : ''}`,
    );
  }
  const unused = req.skip.filter((s) => !rows.some((r) => r.Accepted && r.Check === s));
  if (unused.length) ctx.log('info', `-SkipReadiness ${unused.join(', ')}: no such check failed; nothing was accepted for it.`);
  return { rows, blocking: blockingRows(rows) };
}

export async function saveReadiness(folder: string, rows: ReadinessRow[]): Promise<void> {
  await fs.mkdir(folder, { recursive: true });
  await writeFileAtomic(path.join(folder, READINESS_FILE_NAME), Buffer.from(JSON.stringify(rows, null, 2) + '\n', 'utf8'));
}

export async function loadReadiness(folder: string): Promise<ReadinessRow[]> {
  try {
    const rows = JSON.parse(await fs.readFile(path.join(folder, READINESS_FILE_NAME), 'utf8')) as unknown;
    return Array.isArray(rows) ? (rows as ReadinessRow[]) : [];
  } catch {
    return [];
  }
}

/** The journal's record of the risks an admin accepted. */
export function acceptedRisks(rows: ReadinessRow[]): string {
  return rows.filter((r) => r.Accepted).map((r) => `${r.ComputerName} ${r.Check}: ${r.Detail}`).join(' | ');
}
