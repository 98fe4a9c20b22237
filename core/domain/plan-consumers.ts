/**
 * The plan's steps for the other callers of the Web Service SDK (Get-MfaSdkConsumer's BrokenByRename): one step per
 * setting whose URL the SDK's new virtual directory breaks, after the web components are back (the new URL answers
 * only then). The file goes into its server's backup first (consumerBackupRelativePath); the step changes only the
 * URL's bytes (webconfig/sdk-url-rewrite.ts). What the tool cannot finish alone is a Manual step that pauses the run:
 * - a file it cannot change safely (unknown format, encrypted section, URL not written as plain text): the admin
 *   changes it, and -Resume checks that the setting now holds the new URL;
 * - the AD FS adapter's config: rewritten, but AD FS reads the adapter's configuration from its own database (the file
 *   is registered with Register-AdfsAuthenticationProvider -ConfigurationFilePath, S2/S9), and the AD FS service must
 *   restart on every server of the farm, which is not the tool's to do: the run pauses once for that.
 * MIM's MfaSettings.xml is read when the MIM Service starts (M6): the step restarts it when it runs on that server.
 */
import { createHash } from 'node:crypto';
import { windowsBasename } from '../util/windows-path';
import { stepId } from './plan-component-steps';
import type { DraftStep, PlanConsumer } from './plan-types';

export const CONSUMER_BACKUP_FOLDER = 'SdkConsumers';
/** The MIM Service's Windows service name. INFERENCE: M6 says "restart the MIM Service" and names no service. */
export const MIM_SERVICE_NAME = 'FIMService';

const shortHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

/** Where the Backup step keeps a consumer's file: its own folder per path, so two web.configs never meet. */
export function consumerBackupRelativePath(file: string): string {
  return `${CONSUMER_BACKUP_FOLDER}\\${shortHash(file.toLowerCase())}\\${windowsBasename(file)}`;
}

/** Stable across plans of the same servers: the file (any case) and the setting. */
export function consumerStepId(c: Pick<PlanConsumer, 'computerName' | 'file' | 'setting'>): string {
  return stepId(c.computerName, 'rewrite-sdk-consumer', shortHash(`${c.file.toLowerCase()}\n${c.setting}`));
}

/** The same setting of the same file once (a reference found twice is one change). */
export function distinctConsumers(consumers: PlanConsumer[]): PlanConsumer[] {
  const seen = new Set<string>();
  return consumers.filter((c) => {
    const key = consumerStepId(c).toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Automatic rewrites first, then the AD FS adapters (rewrite, then a pause), then what the admin changes by hand. */
export function consumerSteps(consumers: PlanConsumer[]): DraftStep[] {
  const rank = (c: PlanConsumer) => (c.unsafe ? 2 : c.kind === 'AdfsAdapter' ? 1 : 0);
  return distinctConsumers(consumers)
    .map((c, i) => ({ c, i }))
    .sort((a, b) => rank(a.c) - rank(b.c) || a.i - b.i)
    .map(({ c }) => consumerStep(c));
}

function consumerStep(c: PlanConsumer): DraftStep {
  const where = `${c.file} on ${c.computerName}${c.where ? ` (${c.where})` : ''}`;
  const change = `${c.setting} from ${c.oldUrl} to ${c.newUrl}`;
  const restartService = c.kind === 'MimSettings' && !c.unsafe ? MIM_SERVICE_NAME : null;
  const instruction = c.unsafe
    ? `In ${where}, change ${change} by hand: ${c.unsafe}. Then resume the upgrade; it checks that ${c.setting} holds the new URL.`
    : c.kind === 'AdfsAdapter'
      ? `${c.file} on ${c.computerName} now names ${c.newUrl}, but AD FS uses the adapter configuration it registered. On each AD FS server of the ` +
        `farm, register the adapter again from this file (Unregister-MultiFactorAuthenticationAdfsAdapter.ps1, then ` +
        `Register-MultiFactorAuthenticationAdfsAdapter.ps1 with -ConfigurationFilePath "${c.file}" on its Register-AdfsAuthenticationProvider line; or ` +
        `Import-AdfsAuthenticationProviderConfigurationData -Name <the adapter's name from Get-AdfsAuthenticationProvider> -FilePath "${c.file}"), ` +
        'then restart the AD FS service (Restart-Service adfssrv). Then resume the upgrade.'
      : null;
  const description = c.unsafe
    ? `Change ${change} in ${where} by hand (not safe to edit automatically).`
    : `Change ${change} in ${where}, byte for byte elsewhere` +
      (restartService ? `, then restart the MIM Service (${restartService}) if it runs there.` : '') +
      (c.kind === 'AdfsAdapter' ? '; then AD FS must register it again (manual).' : restartService ? '' : '.');
  return {
    Id: consumerStepId(c),
    Action: 'RewriteSdkConsumer',
    Component: null,
    Kind: c.unsafe || c.kind === 'AdfsAdapter' ? 'Manual' : 'Automatic',
    Blocking: !!(c.unsafe || c.kind === 'AdfsAdapter'),
    ComputerName: c.computerName,
    Target: c.file,
    Description: description,
    Reason: `This ${c.kind === 'WebConfig' ? 'application' : c.kind} calls the Web Service SDK, whose virtual directory changes: the old URL stops answering.`,
    Parameters: {
      backupStepId: stepId(c.computerName, 'backup'),
      backupRelativePath: consumerBackupRelativePath(c.file),
      kind: c.kind,
      file: c.file,
      setting: c.setting,
      oldUrl: c.oldUrl,
      newUrl: c.newUrl,
      unsafe: c.unsafe,
      restartService,
      instruction,
    },
  };
}
