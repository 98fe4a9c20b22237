/**
 * -PlanPath and the parameters that shape a plan: the reviewed plan carries its own (-InstallerPath,
 * -VirtualDirectoryNaming, -Goal, -KeepWebComponent, and the -BackupDestination its backup steps name). A value given
 * with -PlanPath that is the plan's own changes nothing and is accepted (a pipeline from New-MfaLab binds
 * -InstallerPath by property name); any other is refused by name (ReviewedPlanParameterConflict), and so is -Replan,
 * which would plan again what was reviewed.
 */
import type { UpgradeGoal, VirtualDirectoryNaming } from '../../domain/plan-types';
import type { WebComponentName } from '../../domain/catalog';
import { CoreError } from '../../util/errors';
import { sameLocalPath } from '../../util/windows-path';
import type { ReviewedPlan } from './reviewed-plan-file';
import { keepKey, sameInstallerPath } from './run-records';

/** The plan-shaping parameters as given with -PlanPath (undefined: not given). */
export interface GivenPlanParameters {
  installerPath?: string;
  naming?: VirtualDirectoryNaming;
  goal?: UpgradeGoal;
  keepWebComponents?: WebComponentName[];
  /** As a local folder (the run's -BackupDestination). */
  backupDestination: string;
  replan?: boolean;
}


export function assertNoPlanParameterConflict(reviewed: ReviewedPlan, given: GivenPlanParameters): void {
  const o = reviewed.document.Source.Options;
  const conflicts: string[] = [];
  if (given.installerPath !== undefined && !sameInstallerPath(given.installerPath, o.InstallerPath)) {
    conflicts.push(`-InstallerPath '${given.installerPath}' (the plan's is '${o.InstallerPath}')`);
  }
  if (given.naming !== undefined && given.naming !== o.VirtualDirectoryNaming) {
    conflicts.push(`-VirtualDirectoryNaming ${given.naming} (the plan's is ${o.VirtualDirectoryNaming})`);
  }
  if (given.goal !== undefined && given.goal !== o.Goal) conflicts.push(`-Goal ${given.goal} (the plan's is ${o.Goal})`);
  if (given.keepWebComponents !== undefined && keepKey(given.keepWebComponents) !== keepKey(o.KeepWebComponent)) {
    conflicts.push(`-KeepWebComponent ${given.keepWebComponents.join(',') || '(none)'} (the plan's is ${o.KeepWebComponent.join(',') || '(none)'})`);
  }
  if (!sameLocalPath(given.backupDestination, o.BackupDestination)) {
    conflicts.push(`-BackupDestination '${given.backupDestination}' (the plan backs up to '${o.BackupDestination}')`);
  }
  if (given.replan) conflicts.push('-Replan (it would plan again what was reviewed)');
  if (conflicts.length === 0) return;
  throw new CoreError(
    'ReviewedPlanParameterConflict',
    `-PlanPath runs the reviewed plan ${reviewed.path} as it was made; these parameters would change it: ${conflicts.join('; ')}. Nothing was done. ` +
      'Leave them out (the plan carries its own), or make a new plan with them (Get-MfaUpgradePlan -OutFile) and have it reviewed.',
    'PlanPath',
    { conflicts },
  );
}
