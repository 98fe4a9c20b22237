/**
 * Invoke-MfaServerUpgrade's readiness gate: the checks of Test-MfaUpgradeReadiness run before a fresh run changes
 * anything. A Failed check that -SkipReadiness does not name stops the run with 69003; a named one is an accepted
 * risk, written to the log, the journal's Meta and the report. The rows are kept in the run folder (readiness.json)
 * for the report, also on later -Resume runs (journal/readiness-record.ts).
 */
import type { Host } from '../../host/host';
import type { OperationContext } from '../../util/operation-context';
import { acceptRisks, blockingRows, runReadiness } from './run-readiness';
import type { ReadinessCheckName, ReadinessRow } from '../../domain/readiness-types';
import type { ProbeOptions } from '../../webtier/index';

export interface GateRequest {
  hosts: Host[];
  installerPath: string;
  backupDestination: string;
  skip: ReadinessCheckName[];
  rollbackMediaPath?: string;
  webTier?: ProbeOptions;
}

export async function checkReadinessGate(req: GateRequest, ctx: OperationContext): Promise<{ rows: ReadinessRow[]; blocking: ReadinessRow[] }> {
  ctx.progress('Upgrading to MFA Server', 'Readiness checks');
  const rows = acceptRisks(
    await runReadiness({
      hosts: req.hosts,
      installerPath: req.installerPath,
      backupDestination: req.backupDestination,
      rollbackMediaPath: req.rollbackMediaPath,
      webTier: req.webTier,
      warn: (m) => ctx.log('warning', m),
    }),
    req.skip,
  );
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

/** The journal's record of the risks an admin accepted. */
export function acceptedRisks(rows: ReadinessRow[]): string {
  return rows.filter((r) => r.Accepted).map((r) => `${r.ComputerName} ${r.Check}: ${r.Detail}`).join(' | ');
}
