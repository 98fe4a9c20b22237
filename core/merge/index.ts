/**
 * Merge-MfaWebConfig's story on disk: read the web.configs (and the files they name) from this machine or a lab, merge
 * them with the pure engine of core/webconfig/, and write the result atomically after keeping a timestamped copy of
 * the file it replaces. core/webconfig/ itself never touches a disk; this is where files come and go.
 */
import { promises as fs, constants, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { resolveFileTarget, type TargetSelection } from '../host/open-targets';
import { fileError, isReadOnlyFile, timestamp, writeFileAtomic } from '../util/atomic-write';
import { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';
import { mergeWebConfig, type MergeChange } from '../webconfig/index';

export interface MergeFileRequest {
  /** Where the paths are: this machine, or a lab (a Windows path then lies inside it). */
  target: TargetSelection;
  /** The web.config to write into. */
  path: string;
  /** The web.config whose settings are carried. */
  referencePath: string;
  /** The new web.config as installed (three-way merge), when given. */
  basePath?: string;
  webServiceSdkUrl?: string;
}

/** One row of the merge: a change (or a Review) and where it was written. */
export type MergedSetting = MergeChange & { Path: string; BackupPath: string | null };

export async function mergeWebConfigFile(item: MergeFileRequest, ctx: OperationContext): Promise<MergedSetting[]> {
  if (item.webServiceSdkUrl !== undefined) assertAbsoluteHttpUrl(item.webServiceSdkUrl);
  const targetPath = await resolveFileTarget(item.target, item.path);
  const referencePath = await resolveFileTarget(item.target, item.referencePath);
  const basePath = item.basePath === undefined ? undefined : await resolveFileTarget(item.target, item.basePath);

  const target = { path: targetPath, bytes: await readInput(targetPath, 'Path'), parameter: 'Path' };
  const reference = { path: referencePath, bytes: await readInput(referencePath, 'ReferencePath'), parameter: 'ReferencePath' };
  const base = basePath === undefined ? undefined : { path: basePath, bytes: await readInput(basePath, 'BasePath'), parameter: 'BasePath' };
  const merged = mergeWebConfig(target, reference, {
    webServiceSdkUrl: item.webServiceSdkUrl,
    base,
    targetExternal: besideReader(targetPath),
    referenceExternal: besideReader(referencePath),
  });

  let backupPath: string | null = null;
  if (merged.changed) {
    const written = await ctx.act(
      { id: `write:${targetPath.toLowerCase()}`, target: targetPath, ...describeWrite(merged.changes) },
      () => writeMerged(targetPath, merged.output),
    );
    backupPath = written ?? null;
    if (written) ctx.log('info', `Merged ${countEdits(merged.changes)} setting(s) into ${targetPath}; previous file kept as ${written}`);
  } else {
    ctx.log('verbose', `${targetPath} already carries every setting of ${referencePath}: nothing to write.`);
  }
  return merged.changes.map((c: MergeChange) => ({ Path: targetPath, ...c, BackupPath: backupPath }));
}

function assertAbsoluteHttpUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new CoreError(
      'InvalidSdkUrl',
      `-WebServiceSdkUrl '${value}' is not an absolute http or https URL (for example https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx).`,
      'WebServiceSdkUrl',
    );
  }
}

async function readInput(file: string, parameter: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new CoreError(
        'NotAFile',
        `-${parameter} '${file}' is a folder, not a file: name the web.config file in it (for example ${path.join(file, 'web.config')}).`,
        file,
        { parameter },
      );
    }
    throw fileError(e, file);
  }
}

/**
 * Reads the files a web.config names with file=/configSource= (config-model.ts only asks for paths beside it). A file
 * that is missing or unreadable counts as not there: the merge then writes nothing that depends on it and says so.
 */
function besideReader(webConfig: string) {
  return (relative: string) => {
    const file = path.join(path.dirname(webConfig), relative.replace(/[\\/]/g, path.sep));
    try {
      return { path: file, bytes: readFileSync(file) };
    } catch {
      return { path: file, bytes: null };
    }
  };
}

const isEdit = (c: MergeChange) => c.Action === 'Updated' || c.Action === 'Added';
const countEdits = (changes: MergeChange[]) => changes.filter(isEdit).length;

function describeWrite(changes: MergeChange[]): { description: string; details: string[] } {
  const details = changes.filter(isEdit).map((c) => `${c.Action} ${c.Section}/${c.Name}: ${c.OldValue ?? '(none)'} -> ${c.NewValue ?? '(none)'}`);
  return { description: `Merge ${details.length} setting(s) into web.config`, details };
}

/** Keep a timestamped copy beside the target, then replace it atomically. Returns the copy's path. */
async function writeMerged(target: string, bytes: Buffer): Promise<string> {
  if (await isReadOnlyFile(target)) {
    throw new CoreError('TargetReadOnly', `${target} is read-only; clear the read-only attribute and run the merge again.`, target);
  }
  const copy = await keepTimestampedCopy(target);
  try {
    await writeFileAtomic(target, bytes);
  } catch (e) {
    await fs.rm(copy, { force: true });
    throw e;
  }
  return copy;
}

async function keepTimestampedCopy(target: string): Promise<string> {
  const stem = `${target}.${timestamp()}`;
  for (let n = 0; n < 100; n++) {
    const candidate = n === 0 ? `${stem}.bak` : `${stem}-${n}.bak`;
    try {
      await fs.copyFile(target, candidate, constants.COPYFILE_EXCL);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(e, path.dirname(target));
    }
  }
  throw new CoreError('BackupCopyFailed', `Could not find a free name for the copy of ${target}`, target);
}
