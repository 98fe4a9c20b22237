/** A plan as the rows Get-MfaUpgradePlan prints: its steps, then its follow-up actions (Kind FollowUp, never blocking). */
import { Type, type Static } from '@sinclair/typebox';
import type { UpgradePlan } from '../domain/plan-types';

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const PlanRow = Type.Object({
  Order: Type.Integer(),
  Id: Type.String(),
  ComputerName: Type.String(),
  Action: Type.String(),
  Component: Nullable(Type.String()),
  Kind: Type.String(),
  Blocking: Type.Boolean(),
  Target: Type.String(),
  Description: Type.String(),
  Reason: Type.String(),
  Basis: Type.String(),
  Parameters: Type.Record(Type.String(), Type.Union([Type.String(), Type.Boolean(), Type.Null()])),
});

export type PlanRowValue = Static<typeof PlanRow>;

export function planRows(plan: UpgradePlan): PlanRowValue[] {
  const steps = plan.Steps.map((s) => ({ ...s }));
  const followUps = plan.FollowUps.map((f, i) => ({
    Order: steps.length + i + 1,
    Id: f.Id,
    ComputerName: f.ComputerName,
    Action: 'FollowUp',
    Component: null,
    Kind: 'FollowUp',
    Blocking: false,
    Target: f.ComputerName,
    Description: f.Title,
    Reason: f.Instruction,
    Basis: f.Basis,
    Parameters: {},
  }));
  return [...steps, ...followUps];
}
