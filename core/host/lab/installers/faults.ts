/**
 * Injected installer faults (server.json `faults`, format in ../README.md). The first rule whose `match` occurs
 * (case-insensitively) in the run's description applies; `times` counts down and the rule disappears at zero,
 * so "1618 twice, then success" is `{ "exitCode": 1618, "times": 2 }`.
 */
import type { LabMachine } from './lab-machine';

export async function takeFault(lab: LabMachine, kind: 'msiexec' | 'setup', subject: string): Promise<number | undefined> {
  const config = await lab.readConfig();
  const rules = config.faults?.[kind];
  if (!rules || rules.length === 0) return undefined;
  const i = rules.findIndex((r) => !r.match || subject.toLowerCase().includes(r.match.toLowerCase()));
  if (i < 0) return undefined;
  const rule = rules[i];
  if (rule.times !== undefined) {
    rule.times -= 1;
    if (rule.times <= 0) rules.splice(i, 1);
    await lab.writeConfig(config);
  }
  return rule.exitCode;
}

/** Exit codes that mean "it worked" (the change is made, a reboot may be wanted). */
export function isSuccessCode(code: number): boolean {
  return code === 0 || code === 3010 || code === 1641;
}
