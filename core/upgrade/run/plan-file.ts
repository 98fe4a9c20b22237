/**
 * plan.json of a run, read from the run folder: a missing file says what is missing and what to do (PlanNotFound);
 * its content is checked by domain/plan-parse.ts (PlanCorrupt) and hashed for the journal's check.
 */
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import type { UpgradePlan } from '../../domain/plan-types';
import { parsePlan, planSha256 } from '../../domain/plan-parse';
import { CoreError } from '../../util/errors';
import { removeStaleTempFiles } from '../../journal/index';

/** `tidy`: remove the temp files a crash left (false for a read-only look, Get-MfaUpgradeRun). */
export async function readPlanFile(file: string, journalFile: string, tidy = true): Promise<{ plan: UpgradePlan; sha256: string }> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new CoreError(
        'PlanNotFound',
        `The run folder ${dirname(file)} holds a journal (${journalFile}) but not its plan ${file}, so the run cannot go on: the plan says what each ` +
          `recorded step was. ` +
          'Put the plan.json of this run back if you have it; otherwise check the servers with Test-MfaServerUpgrade, move the run folder away and start a ' +
          'new run (its backups stay where they are).',
        file,
      );
    }
    throw new CoreError('PlanCorrupt', `The upgrade plan ${file} cannot be read: ${(e as Error).message}.`, file);
  }
  const plan = parsePlan(bytes, file);
  if (tidy) await removeStaleTempFiles(file); // a crash between a plan's temp write and its rename leaves one (it may hold a whole plan)
  return { plan, sha256: planSha256(bytes) };
}

