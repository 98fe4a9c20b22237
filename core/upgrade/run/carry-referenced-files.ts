/**
 * The files the OLD web.config named (appSettings file=, configSource= of any section), carried into the new
 * application after the merge. The backup holds them beside the old web.config (core/backup/web-config-references.ts);
 * the new application folder is a fresh install, often a new folder (new virtual directory names), so nothing of the
 * old folder is there. What is safe, reference by reference (the merged web.config is what decides):
 * 1. the merged web.config names the same file for the same section: the old file is put beside it when no file of
 *    that name is there (an application whose configSource= file is missing does not start); a file that is there
 *    (the installer's own) is left alone: the merge already reports, per setting, what differs in it, and a warning
 *    names the old copy in the backup;
 * 2. the merged web.config does not name it, and the section is one the merge carries (appSettings, a settings group
 *    of applicationSettings): the merge read the old file from the backup and carried its values into the new
 *    web.config (its rows say so), so no file is needed;
 * 3. the merged web.config does not name it, and the section is any other (connectionStrings, system.web/pages …):
 *    nothing in the new application reads those settings, and guessing where they go could break it. The old file is
 *    put beside the new web.config (when no file of that name is there) and the run pauses with the exact change to
 *    make; -Resume checks that the web.config now names it (case 1).
 * Only bytes the backup's manifest hashed are used; a reference whose file the backup does not hold (it was not there
 * when the backup was made) is a warning.
 */
import * as path from 'node:path';
import type { Host } from '../../host/host';
import { referencedFiles, type WebConfigReference } from '../../webconfig/referenced-files';
import { resolveReference } from '../../backup/web-config-references';
import { isCoreError } from '../../util/errors';
import { joinWindowsPath, windowsParent } from '../../util/windows-path';
import { verifiedBackupFiles } from './backup-gate';

export interface CarryInput {
  host: Host;
  backup: string;
  /** The old web.config: its path inside the backup (`UserPortal\web.config`), its path on the server then, its bytes. */
  old: { relativePath: string; originalPath: string; bytes: Buffer };
  /** The new web.config's path on the server, and the bytes the merge produced for it. */
  target: { path: string; merged: Buffer };
  log: (level: 'info' | 'warning', message: string) => void;
}

export interface CarryResult {
  /** Files written beside the new web.config. */
  placed: string[];
  /** Case 3: what the admin must change before -Resume (empty when nothing). */
  manual: string[];
}

/** Own places of a section: the top level, or a <location> without a path ("" or "."). */
const withoutOwnLocation = (section: string) => section.replace(/^location\[\.?\]\//, '');
const carriedByMerge = (section: string) => {
  const s = withoutOwnLocation(section);
  return s === 'appSettings' || s.startsWith('applicationSettings/');
};
const sameReference = (a: WebConfigReference & { relative: string }, b: WebConfigReference & { relative: string }) =>
  withoutOwnLocation(a.section) === withoutOwnLocation(b.section) && a.attribute === b.attribute && a.relative.toLowerCase() === b.relative.toLowerCase();

/** Followed references of a web.config (those inside its folder), each with its path below that folder. */
function followed(webConfigPath: string, bytes: Buffer): (WebConfigReference & { relative: string })[] {
  return referencedFiles({ path: webConfigPath, bytes }).flatMap((r) => {
    const resolved = resolveReference(webConfigPath, r.value);
    return 'relative' in resolved ? [{ ...r, relative: resolved.relative }] : [];
  });
}

export async function carryReferencedFiles(input: CarryInput): Promise<CarryResult> {
  const { host, backup, old, target, log } = input;
  const result: CarryResult = { placed: [], manual: [] };
  const newReferences = followed(target.path, target.merged);
  const backupFolder = windowsParent(old.relativePath);
  for (const reference of followed(old.originalPath, old.bytes)) {
    const named = newReferences.some((n) => sameReference(n, reference));
    if (!named && carriedByMerge(reference.section)) continue;
    const what = `${reference.section} ${reference.attribute}="${reference.value}"`;
    const bytes = await backedUp(backup, `${backupFolder}\\${reference.relative}`, host.computerName);
    if (!bytes) {
      log('warning', `${target.path}: the old web.config named ${what}, which the backup does not hold (the file was not there when the backup was made).`);
      continue;
    }
    const destination = joinWindowsPath(windowsParent(target.path), reference.relative);
    const existing = await host.stat(destination);
    const inBackup = path.join(backup, ...backupFolder.split('\\'), ...reference.relative.split('\\'));
    let inPlace = true;
    if (!existing) {
      await host.makeDirectory(windowsParent(destination));
      await host.writeFileAtomic(destination, bytes);
      result.placed.push(destination);
    } else if (existing.isDirectory || !(await host.readFile(destination)).equals(bytes)) {
      inPlace = false;
      log('warning', `${destination} is not the file the old web.config named (${what}); it was left as it is. The old one is in the backup: ${inBackup}.`);
    }
    if (!named) {
      result.manual.push(
        `${target.path} does not take ${withoutOwnLocation(reference.section)} from ${reference.relative} as the old web.config did (${what}), so its ` +
          `settings are not in effect. The old file is ${inPlace ? `now at ${destination}` : `in the backup (${inBackup})`}: set ${reference.attribute}=` +
          `"${reference.value}" on <${withoutOwnLocation(reference.section).split('/').pop()}> in the new web.config (a section with configSource= holds ` +
          `nothing else), or merge its content into ${reference.relative} if the new application has one. -Resume checks that the web.config names it.`,
      );
    }
  }
  return result;
}

/** The bytes of a backup file as its manifest hashed them; undefined when the manifest does not list it. */
async function backedUp(backup: string, relativePath: string, computerName: string): Promise<Buffer | undefined> {
  try {
    return (await verifiedBackupFiles(backup, relativePath, computerName))[0].bytes;
  } catch (e) {
    if (isCoreError(e) && e.details.notListed === true) return undefined;
    throw e;
  }
}
