/**
 * Get-MfaUpgradePlan's story: gather what the servers and the media say, build the plan, say its notices, return its
 * rows; with -OutFile also write the plan for review, with what it was computed from (run/reviewed-plan-file.ts).
 */
import { buildUpgradePlan } from '../domain/plan';
import type { OperationContext } from '../util/operation-context';
import { gatherPlanInput, type PlanRequest } from './plan-input';
import { planRows, type PlanRowValue } from './plan-rows';
import { exportReviewedPlan } from './run/reviewed-plan-file';

export async function planUpgrade(req: PlanRequest, ctx: OperationContext, outFile?: string): Promise<PlanRowValue[]> {
  const input = await gatherPlanInput({ ...req, warn: req.warn ?? ((m) => ctx.log('warning', m)) });
  const plan = buildUpgradePlan(input);
  ctx.log('info', `Goal: ${plan.Goal ?? 'Upgrade'}.`);
  ctx.log('warning', plan.Notice);
  for (const inference of plan.Inferences) ctx.log('warning', inference);
  if (outFile !== undefined) await exportReviewedPlan(outFile, plan, input, req.hosts, ctx);
  return planRows(plan);
}
