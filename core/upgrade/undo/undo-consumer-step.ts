/**
 * The Undo's step for a file of another caller of the Web Service SDK the upgrade rewrote (run/consumer-step.ts): the
 * file goes back from the server's verified backup, and only when what it holds now is the upgrade's work. The safe
 * rule: its bytes are the backup's (nothing to do), or the backup's with the upgrade's changes made, recomputed with
 * the upgrade's own splice (rewriteSdkUrl; after 1, 2, … of its settings, as a killed upgrade may have left it). A file
 * changed since by anyone else is not overwritten: the step stops and names it; run again, it goes on once the file is
 * the backup's or its settings hold the old URL again (the admin's choice). Written atomically and read back; safe to
 * run again after a kill (the file then holds the backup's bytes). MIM's service is restarted as the upgrade did; AD FS
 * must register the adapter again from the restored file, which is the admin's (as in the upgrade).
 */
import type { Host } from '../../host/host';
import { rewriteSdkUrl, sdkUrlState, type SdkUrlChange } from '../../webconfig/index';
import { CoreError } from '../../util/errors';
import { verifiedBackupFiles } from '../run/backup-gate';
import { restartReader } from '../run/consumer-step';
import type { StepResult } from '../run/step-executor';
import type { UndoStep } from './undo-plan';

const text = (step: UndoStep, name: string): string => {
  const v = step.Parameters[name];
  if (typeof v !== 'string' || !v) throw new CoreError('PlanParameterMissing', `Step ${step.Id} lacks its parameter '${name}'.`, step.Id);
  return v;
};

function changesOf(step: UndoStep): SdkUrlChange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text(step, 'changes'));
  } catch {
    parsed = null;
  }
  const isChange = (c: unknown) =>
    typeof c === 'object' && c !== null && ['setting', 'oldUrl', 'newUrl'].every((k) => typeof (c as Record<string, unknown>)[k] === 'string');
  const ok = Array.isArray(parsed) && parsed.length > 0 && parsed.every(isChange);
  if (!ok) throw new CoreError('PlanParameterMissing', `Step ${step.Id}: its parameter 'changes' is not a list of setting, oldUrl and newUrl.`, step.Id);
  return parsed as SdkUrlChange[];
}

/** What the upgrade's steps could have left in the file: the backup's bytes after the first 1, 2, … of its changes. */
function upgradeResults(path: string, original: Buffer, changes: SdkUrlChange[]): Buffer[] {
  const results: Buffer[] = [];
  let bytes = original;
  for (const change of changes) {
    const r = rewriteSdkUrl({ path, bytes }, change);
    if (r.kind !== 'Rewritten') break;
    bytes = r.output;
    results.push(bytes);
  }
  return results;
}

/** What the step is given (undo-steps.ts's UndoRunContext, named here so the two files do not import each other). */
interface ConsumerRunContext {
  host(computerName: string): Host;
  log(level: 'info' | 'warning', message: string): void;
}

export async function restoreSdkConsumer(step: UndoStep, run: ConsumerRunContext): Promise<StepResult> {
  const host: Host = run.host(step.ComputerName);
  const file = text(step, 'file');
  const backupPath = text(step, 'backupPath');
  const relative = text(step, 'backupRelativePath');
  const changes = changesOf(step);
  const [{ bytes: original }] = await verifiedBackupFiles(backupPath, relative, host.computerName);
  const current = (await host.stat(file)) ? await host.readFile(file) : null;
  const said = `${file} on ${host.computerName}`;
  const adfs = step.Parameters.kind === 'AdfsAdapter';
  const followUp = adfs
    ? `AD FS still uses the adapter configuration it registered: on each AD FS server of the farm, register the adapter again from ${file} ` +
      `(Unregister-MultiFactorAuthenticationAdfsAdapter.ps1, then the PhoneFactor-era registration with -ConfigurationFilePath "${file}", or ` +
      `Import-AdfsAuthenticationProviderConfigurationData -Name <the adapter's name> -FilePath "${file}"), then Restart-Service adfssrv (manual).`
    : null;
  const done = (outcome: string): StepResult =>
    ({ outcome: followUp ? `${outcome} ${followUp}` : outcome, data: followUp ? { FollowUp: followUp } : undefined });

  if (current?.equals(original)) return done(`${said} already holds the backup's bytes.`);
  const byHand = step.Parameters.byHand === true;
  if (!byHand && current && upgradeResults(file, original, changes).some((b) => b.equals(current))) {
    await host.writeFileAtomic(file, original);
    if (!(await host.readFile(file)).equals(original)) {
      throw new CoreError('CopyVerificationFailed', `${said} differs from the backup's ${relative} after it was put back.`, file);
    }
    const restarted = await restartReader(step.Parameters.restartService, file, host, (l, m) => run.log(l, m));
    return done(`${said} put back from the backup (${relative}): ${changes.map((c) => `${c.setting} holds ${c.oldUrl}`).join(', ')}` +
      `${restarted ? `. ${restarted}` : '.'}`);
  }
  if (current && changes.every((c) => sdkUrlState({ path: file, bytes: current }, c) === 'Old')) {
    return done(`${said} is not the backup's but its settings hold the old URL again (changed by hand); left as it is.`);
  }
  const copy = `${backupPath}\\${relative}`;
  const why = byHand
    ? 'was changed by hand in the upgrade (the tool does not edit it safely)'
    : current ? 'was changed after the upgrade rewrote it' : 'is missing';
  run.log('warning', `${host.computerName}: ${file} ${why}; the Undo does not overwrite it.`);
  return {
    outcome: `${said} ${why}: not overwritten.`,
    pause: `${said} ${why}, so the Undo did not overwrite it. Compare it with the ` +
      `backup's copy ${copy} and put back what is yours to decide: copy that file over it, or change ` +
      `${changes.map((c) => `${c.setting} back to ${c.oldUrl}`).join(', ')} by hand. Then run Undo-MfaServerUpgrade again; it goes on from there.`,
  };
}
