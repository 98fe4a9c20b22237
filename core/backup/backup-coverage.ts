/**
 * "This backup covers these components": the one test a backup passes before anything is uninstalled, used by the
 * upgrade engine (before the first uninstall of every run, fresh or resumed) and by Uninstall-PhoneFactor -BackupPath.
 *
 * A backup named by a journal or a parameter is a claim until it is read again. It covers a removal only when:
 * - it is a finished backup (not a restore-undo folder) of this server and every file re-hashes to its manifest;
 * - its manifest lists files at all;
 * - it holds, verified, what the removal loses on the server as the server is now: the data file of the Agent (from
 *   the data folder the server reports), the web.config of each web component about to go (from the path the server
 *   reports), each file such a web.config names (file=, configSource=) inside its application folder, and the product
 *   registry key when the server has it.
 * What the server does not have (a web.config already gone, no registry key) cannot be lost, so it is not asked for.
 */
import { verifyBackup, type VerifyResult } from './verify-backup';
import type { ManifestFileEntry } from './manifest';
import { joinWindowsPath, sameWindowsPath } from '../util/windows-path';
import type { Host } from '../host/host';
import { CoreError } from '../util/errors';
import { DATA_FILE, DATA_FOLDER, PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../domain/catalog';
import type { ComponentRecord } from '../domain/inventory-types';
import { readWebConfigReferences, referencesOf, webConfigOf } from './web-config-references';

/** The code of every refusal: the backup was not proven to hold what the removal would lose. */
export const BACKUP_DOES_NOT_COVER = 'BackupDoesNotCover';

/** Where a record's data file is on the server, or null when the record names no folder. */
function dataFileOf(record: ComponentRecord): string | null {
  const folder = record.DataPath ?? (record.InstallPath ? joinWindowsPath(record.InstallPath, DATA_FOLDER) : null);
  return folder ? joinWindowsPath(folder, DATA_FILE) : null;
}

/** One thing the removal of `records` would lose, and how to find it among a manifest's files. */
interface Need {
  what: string;
  serverPath: string;
  matches: (f: ManifestFileEntry) => boolean;
}

async function needsOf(host: Host, records: ComponentRecord[]): Promise<Need[]> {
  const needs: Need[] = [];
  const existsAsFile = async (p: string) => {
    const s = await host.stat(p);
    return !!s && !s.isDirectory;
  };
  for (const record of records) {
    if (record.Component === 'Agent' || record.Component === 'MfaServer') {
      const file = dataFileOf(record);
      if (file && (await existsAsFile(file))) {
        needs.push({
          what: `the ${record.Component} data file ${file}`,
          serverPath: file,
          matches: (f) => f.kind === 'DataFolder' && sameWindowsPath(f.originalPath, file),
        });
      }
      continue;
    }
    const webConfig = webConfigOf(record);
    if (webConfig && (await existsAsFile(webConfig))) {
      needs.push({
        what: `the ${record.Component} web.config ${webConfig}`,
        serverPath: webConfig,
        matches: (f) => f.kind === 'WebConfig' && f.component === record.Component && sameWindowsPath(f.originalPath, webConfig),
      });
    }
  }
  // The files the web.configs name, as they read now: each one that is there goes with the application folder.
  const references = await readWebConfigReferences(host, records);
  for (const record of records) {
    const webConfig = webConfigOf(record);
    for (const reference of webConfig ? referencesOf(references, webConfig) : []) {
      if (!(await existsAsFile(reference.path))) continue;
      needs.push({
        what: `the file ${reference.path} that the ${record.Component} web.config names (${reference.section} ${reference.attribute}=)`,
        serverPath: reference.path,
        // Theme: a file inside a theme folder is backed up with its theme.
        matches: (f) => (f.kind === 'ConfigFile' || f.kind === 'Theme') && f.component === record.Component &&
          sameWindowsPath(f.originalPath, reference.path),
      });
    }
  }
  if (records.length > 0 && (await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW))) {
    needs.push({
      what: `the registry key ${PRODUCT_KEY}`,
      serverPath: PRODUCT_KEY,
      matches: (f) => f.kind === 'Registry' && sameWindowsPath(f.originalPath, PRODUCT_KEY),
    });
  }
  return needs;
}

/**
 * Checks that the backup at `backupPath` (a local folder) covers the removal of `records` from `host`, and returns
 * its verification. Throws BackupDoesNotCover naming the backup and every missing piece otherwise.
 */
export async function assertBackupCovers(backupPath: string, host: Host, records: ComponentRecord[]): Promise<VerifyResult> {
  const refuse = (why: string, missing: string[] = []): never => {
    throw new CoreError(
      BACKUP_DOES_NOT_COVER,
      `The backup ${backupPath} cannot be relied on to remove ${describe(records)} from ${host.computerName}: ${why} Nothing was uninstalled.`,
      backupPath,
      { missing },
    );
  };
  const check = await verifyBackup(backupPath);
  if (!check.Manifest) refuse(check.Reason ?? 'it has no readable manifest.');
  const manifest = check.Manifest!;
  if (manifest.purpose !== 'Backup') refuse('it is the undo copy of a restore, not a backup made by Backup-PhoneFactor.');
  if (manifest.source.computerName.toLowerCase() !== host.computerName.toLowerCase()) refuse(`it is a backup of ${manifest.source.computerName}, not ` +
    `of ${host.computerName}.`);
  if (manifest.files.length === 0) refuse('its manifest lists no files.');
  if (!check.IsValid) {
    const bad = check.Items.filter((i) => i.Status === 'Missing' || i.Status === 'Changed').map((i) => `${i.RelativePath} (${i.Status})`);
    refuse(`it does not verify against its manifest: ${bad.join(', ') || check.Reason}.`, bad);
  }
  const missing = (await needsOf(host, records)).filter((n) => !manifest.files.some(n.matches)).map((n) => n.what);
  if (missing.length > 0) refuse(`it does not hold ${missing.join(', ')}.`, missing);
  return check;
}

function describe(records: ComponentRecord[]): string {
  return records.length ? records.map((r) => r.Component).join(', ') : 'nothing';
}
