/** Which goal a run had, as its records say. */
import type { ReportInput } from './report-input';

/** Which goal ran (-Goal): the journal's record (its last re-plan counts), else the plan's; a run before goals was an Upgrade. */
export function goalOf(input: Pick<ReportInput, 'journal' | 'plan'>): 'Upgrade' | 'Migrate' {
  const j = input.journal;
  const recorded = (j?.Replans.at(-1) ?? j?.Meta)?.Goal ?? input.plan?.Goal;
  return recorded === 'Migrate' ? 'Migrate' : 'Upgrade';
}

