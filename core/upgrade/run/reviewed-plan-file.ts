/**
 * The reviewed plan file: written by Get-MfaUpgradePlan -OutFile (atomically), read by Invoke-MfaServerUpgrade
 * -PlanPath as untrusted input, like a run's own plan.json (plan-file.ts):
 * - not JSON: ReviewedPlanCorrupt naming the line and column;
 * - not of the schema (reviewed-plan-schema.ts, the generated ajv validator): ReviewedPlanCorrupt naming the field;
 * - its content does not hash to its Sha256: ReviewedPlanTampered (it was changed after it was written);
 * - its plan or an inventory not of the shape the run checks its own records for: ReviewedPlanCorrupt naming the field.
 * Sha256 is the SHA-256 of the file's text as this module writes it without the Sha256 field (JSON, two-space indent,
 * keys in the order written, a final newline): a file re-indented by an editor still hashes the same; one whose values
 * changed does not. The run also records the SHA-256 of the file's bytes (what Get-FileHash shows).
 */
import { promises as fs } from 'node:fs';
import { createHash } from 'node:crypto';
import recordValidators from '../../generated/record-validators';
import type { UpgradePlan } from '../../domain/plan-types';
import { planDocumentProblem, planSha256 } from '../../domain/plan-parse';
import { inventoryProblem } from '../../domain/inventory-parse';
import { CoreError } from '../../util/errors';
import { parseRecordJson } from '../../util/json-syntax';
import { describeAjvError } from '../../util/ajv-errors';
import { fileError, writeFileAtomic } from '../../util/atomic-write';
import { callerFacts, type CallerFacts } from '../../util/caller-facts';
import type { OperationContext } from '../../util/operation-context';
import type { Host } from '../../host/host';
import type { PlanInput } from '../../domain/plan-types';
import { readServerIdentity } from './server-identity';
import { planSourceOf } from './plan-source';
import {
  REVIEWED_PLAN_FORMAT_VERSION,
  REVIEWED_PLAN_KIND,
  REVIEWED_PLAN_RECORD,
  type PlanSource,
  type ReviewedPlanDocument,
} from './reviewed-plan-schema';

/** A reviewed plan as read: its document (checked), its plan, and the hashes of its content and of its bytes. */
export interface ReviewedPlan {
  path: string;
  document: ReviewedPlanDocument;
  plan: UpgradePlan;
  /** The content's SHA-256 (the file's own Sha256 field, verified). */
  sha256: string;
  /** SHA-256 of the file's bytes, as Get-FileHash shows it. */
  fileSha256: string;
}

type Unsigned = Omit<ReviewedPlanDocument, 'Sha256'>;

const textOf = (doc: Unsigned): string => JSON.stringify(doc, null, 2) + '\n';
const sha256Of = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The file's bytes: the document with the SHA-256 of its content last. */
export function reviewedPlanBytes(plan: UpgradePlan, source: PlanSource, made: { caller: CallerFacts; toolVersion: string; at: Date }): Buffer {
  const doc: Unsigned = {
    FormatVersion: REVIEWED_PLAN_FORMAT_VERSION,
    Kind: REVIEWED_PLAN_KIND,
    CreatedAt: made.at.toISOString(),
    CreatedBy: { Account: made.caller.account, Machine: made.caller.machine },
    ToolVersion: made.toolVersion,
    Source: source,
    Plan: plan,
  };
  return Buffer.from(JSON.stringify({ ...doc, Sha256: sha256Of(textOf(doc)) }, null, 2) + '\n', 'utf8');
}

/**
 * Get-MfaUpgradePlan -OutFile: the plan and what it was computed from (plan-source.ts), written atomically (a reader,
 * or a run started meanwhile, sees the old file or the whole new one), then read back as a run reads it.
 */
export async function exportReviewedPlan(file: string, plan: UpgradePlan, input: PlanInput, hosts: Host[], ctx: OperationContext): Promise<ReviewedPlan> {
  const identities = await Promise.all(hosts.map((h) => readServerIdentity(h)));
  const bytes = reviewedPlanBytes(plan, planSourceOf(input, identities), { caller: ctx.caller ?? callerFacts(), toolVersion: ctx.toolVersion, at: new Date() });
  await writeFileAtomic(file, bytes, { createFolder: true });
  const written = await readReviewedPlan(file);
  ctx.log('info', `The plan was written for review to ${file}: SHA-256 of its content ${written.sha256} (file SHA-256, as Get-FileHash shows it: ` +
    `${written.fileSha256}). Run it unchanged with Invoke-MfaServerUpgrade -PlanPath '${file}'.`);
  return written;
}

export async function readReviewedPlan(file: string): Promise<ReviewedPlan> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (e) {
    const error = fileError(e, file);
    if (error.code === 'FileNotFound') throw new CoreError('ReviewedPlanNotFound', `The reviewed plan ${file} does not exist. Nothing was done.`, 'PlanPath');
    if (error.code === 'AccessDenied') throw error;
    throw corrupt(file, `it cannot be read (${(e as Error).message})`);
  }
  const doc = parseRecordJson(bytes.toString('utf8'), (why) => corrupt(file, why));
  const validate = recordValidators[REVIEWED_PLAN_RECORD];
  if (!validate(doc)) {
    const errors = (validate.errors ?? []).map((e) => describeAjvError(e, 'field'));
    throw corrupt(file, `it is not a reviewed plan of this module (format version ${REVIEWED_PLAN_FORMAT_VERSION}): ${errors.join('; ')}`);
  }
  const { Sha256: recorded, ...content } = doc as ReviewedPlanDocument;
  const sha256 = sha256Of(textOf(content));
  if (sha256 !== recorded) {
    throw new CoreError(
      'ReviewedPlanTampered',
      `The reviewed plan ${file} was changed after it was written: its content hashes to ${sha256}, the file says ${recorded}. A plan that is not the one ` +
        'reviewed is never run, so nothing was done. Make the plan again with Get-MfaUpgradePlan -OutFile and have it reviewed.',
      'PlanPath',
      { recorded, computed: sha256 },
    );
  }
  // The same checks as a run's own records: the plan as plan.json is checked, each inventory as the journal's are.
  const planProblem = planDocumentProblem(content.Plan);
  if (planProblem) throw corrupt(file, `/Plan${planProblem.startsWith('/') ? '' : ': '}${planProblem}`);
  for (const [i, s] of content.Source.Servers.entries()) {
    const problem = inventoryProblem(s.Inventory);
    if (problem) throw corrupt(file, `/Source/Servers/${i}/Inventory ${problem}`);
  }
  return { path: file, document: doc as ReviewedPlanDocument, plan: content.Plan as unknown as UpgradePlan, sha256, fileSha256: planSha256(bytes) };
}

function corrupt(file: string, why: string): CoreError {
  return new CoreError(
    'ReviewedPlanCorrupt',
    `The reviewed plan ${file} cannot be used: ${why}. Nothing was done. Make the plan again with Get-MfaUpgradePlan -OutFile and have it reviewed.`,
    'PlanPath',
  );
}
