/** What every executor of a plan step is (run/steps.ts holds them): its result, and how it reads its parameters. */
import type { PlanStep } from '../../domain/plan-types';
import { CoreError } from '../../util/errors';
import type { RunContext } from './run-context';

export interface StepResult {
  outcome: string;
  data?: Record<string, string | number | boolean | null | undefined>;
  rebootRequired?: boolean;
  /** Set when the step needs the admin: the run pauses with this instruction. */
  pause?: string;
}

export type Executor = (step: PlanStep, run: RunContext) => Promise<StepResult>;

/** A text parameter the step cannot do without (PlanParameterMissing otherwise). */
export const str = (step: PlanStep, name: string): string => {
  const v = step.Parameters[name];
  if (typeof v !== 'string' || !v) throw new CoreError('PlanParameterMissing', `Step ${step.Id} lacks its parameter '${name}'.`, step.Id);
  return v;
};
