/**
 * The step that points another caller of the Web Service SDK at the SDK's new URL (domain/plan-consumers.ts plans it):
 * its file must be in the server's verified backup, then only the URL's bytes change (webconfig/sdk-url-rewrite.ts,
 * the merge's own splice), written atomically. Safe to run again: a setting that already holds the new URL is left
 * alone. A file the plan found unsafe to edit is never edited: the run pauses until the setting holds the new URL.
 * MIM's settings are read when the MIM Service starts (M6): it is restarted when it runs on that server. AD FS takes
 * the adapter's config only when it is registered again and AD FS restarts (S2, S9): the run pauses once for that.
 */
import type { PlanStep } from '../../domain/plan-types';
import type { BackupItem } from '../../backup/backup-item';
import { consumerBackupRelativePath } from '../../domain/plan-consumers';
import { rewriteSdkUrl, sdkUrlState, type SdkUrlChange } from '../../webconfig/index';
import { CoreError } from '../../util/errors';
import type { Host } from '../../host/host';
import { recordedBackup, verifiedBackupFiles } from './backup-gate';
import { str, type Executor, type StepResult } from './step-executor';
import type { RunContext } from './run-context';

/** The files of the SDK's callers a Backup step takes with the server's own items. */
export function consumerBackupItems(step: PlanStep): BackupItem[] {
  const files = step.Parameters.consumerFiles;
  if (typeof files !== 'string' || files === '') return [];
  return files.split('|').map((file) => ({ component: 'SdkConsumers', kind: 'SdkConsumer', sourcePath: file, relativePath: consumerBackupRelativePath(file) }));
}

export const rewriteSdkConsumer: Executor = async (step, run) => {
  const host = run.host(step.ComputerName);
  const file = str(step, 'file');
  const change: SdkUrlChange = { setting: str(step, 'setting'), oldUrl: str(step, 'oldUrl'), newUrl: str(step, 'newUrl') };
  const current = { path: file, bytes: await host.readFile(file) };
  const said = `${change.setting} in ${file} on ${host.computerName}`;
  if (typeof step.Parameters.unsafe === 'string') {
    // Changed by the admin, never by the tool: only checked.
    if (sdkUrlState(current, change) === 'New') return { outcome: `${said} holds ${change.newUrl} (changed by hand).` };
    return { outcome: `Waiting for ${said} to be changed by hand.`, pause: str(step, 'instruction') };
  }
  // Nothing is written to a file its server's backup does not hold, verified.
  await verifiedBackupFiles(recordedBackup(str(step, 'backupStepId'), run), str(step, 'backupRelativePath'), host.computerName);
  const r = rewriteSdkUrl(current, change);
  let outcome: string;
  switch (r.kind) {
    case 'Rewritten':
      await host.writeFileAtomic(file, r.output);
      outcome = `${said}: ${change.oldUrl} -> ${change.newUrl} (${r.count} value(s); every other byte as it was).`;
      break;
    case 'AlreadyDone':
      outcome = `${said} already holds ${change.newUrl}.`;
      break;
    case 'NotFound':
      throw new CoreError(
        'SdkConsumerChanged',
        `${said} holds neither ${change.oldUrl} nor ${change.newUrl}: the file changed after the plan was made. Nothing was written.`,
        file,
      );
    case 'Unsafe':
      // It became unsafe after the plan (someone encrypted a section meanwhile): the admin's, as a Manual step is.
      return { outcome: `${said} is not safe to edit now.`, pause: `In ${file} on ${host.computerName}, change ${change.setting} from ${change.oldUrl} to ` +
        `${change.newUrl} by hand: ${r.reason}. Then resume the upgrade.` };
  }
  const restarted = await restartReader(step.Parameters.restartService, file, host, (l, m) => run.log(l, m));
  if (restarted) outcome += ` ${restarted}`;
  return adfsPause(step, run, outcome);
};

/**
 * MIM reads MfaSettings.xml when its service starts: restart it when it runs here (a stopped one reads it at its
 * start). The Undo's restore of the file restarts it by the same rule.
 */
export async function restartReader(name: unknown, file: string, host: Host, log: (level: 'warning', message: string) => void): Promise<string | null> {
  if (typeof name !== 'string' || name === '') return null;
  const service = await host.getService(name);
  if (!service) {
    log('warning', `${host.computerName}: the service ${name} is not there; restart the MIM Service where it runs so it reads ${file}.`);
    return `The service ${name} is not on ${host.computerName}: restart the MIM Service where it runs.`;
  }
  if (service.state !== 'Running') return `The service ${name} is ${service.state}: it reads the file when it starts.`;
  await host.stopService(name);
  await host.startService(name);
  return `Restarted ${name}.`;
}

/** AD FS: the file is right now, but AD FS uses what it registered; the run pauses once for the admin's re-registration. */
function adfsPause(step: PlanStep, run: RunContext, outcome: string): StepResult {
  if (step.Parameters.kind !== 'AdfsAdapter') return { outcome };
  if (run.stepData(step.Id)?.AdfsAsked === true) return { outcome: `${outcome} AD FS registration confirmed by resuming.` };
  return { outcome, pause: str(step, 'instruction'), data: { AdfsAsked: true } };
}
