/** Get-MfaUpgradePlan's story: gather what the servers and the media say, build the plan, say its notices, return its rows. */
import { buildUpgradePlan } from '../domain/plan';
import type { OperationContext } from '../util/operation-context';
import { gatherPlanInput, type PlanRequest } from './plan-input';
import { planRows, type PlanRowValue } from './plan-rows';

export async function planUpgrade(req: PlanRequest, ctx: OperationContext): Promise<PlanRowValue[]> {
  const plan = buildUpgradePlan(await gatherPlanInput({ ...req, warn: req.warn ?? ((m) => ctx.log('warning', m)) }));
  ctx.log('info', `Goal: ${plan.Goal ?? 'Upgrade'}.`);
  ctx.log('warning', plan.Notice);
  for (const inference of plan.Inferences) ctx.log('warning', inference);
  return planRows(plan);
}
