/**
 * The upgrade's front door: what the cmdlets (and nothing else above this floor) call. Where to start reading:
 * - planning: plan-upgrade.ts (what the servers and media say → domain/plan.ts builds the ordered steps);
 * - readiness before anything changes: readiness/run-readiness.ts (one row per check; readiness/gate.ts decides);
 * - a run, a kill and -Resume: run/engine.ts (the step loop), run/run-records.ts (what a later run trusts of the
 *   journal and plan), run/run-stop.ts (why a run ended);
 * - what each step does: run/steps.ts; msiexec and its exit codes: installers.ts (→ host/msiexec-exit-codes.ts);
 * - the verification after: verify.ts; where a recorded run stands (Get-MfaUpgradeRun): run/run-status.ts;
 * - the way back (Undo-MfaServerUpgrade): undo/undo-engine.ts, a run of its own step list (undo/undo-plan.ts) through the
 *   same run machinery, its executors in undo/undo-steps.ts.
 */
export { runUpgrade, type UpgradeRequest } from './run/engine';
export { runUndo, type UndoRequest } from './undo/undo-engine';
export type { UndoResult } from './undo/undo-result';
export { recordStopLater, runLogOf } from './run/run-stop';
export { getUpgradeRuns, type RunStatusRequest, type UpgradeRunStatus } from './run/run-status';
export type { UpgradeResult } from './run/upgrade-result';
export { planUpgrade } from './plan-upgrade';
export type { PlanRequest } from './plan-input';
export { PlanRow, type PlanRowValue } from './plan-rows';
export { runReadiness, type ReadinessRequest } from './readiness/run-readiness';
export { verifyServers, type ServerVerification } from './verify';
export { installComponent, type InstallRequest, type InstalledComponent } from './install-component';
export { uninstallComponents, type UninstallRequest, type UninstalledComponent } from './uninstall-components';
