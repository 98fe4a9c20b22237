/**
 * A backup holds the Web Service SDK service account password (the web.configs) in plain text, so its folder is closed
 * to everyone but administrators before the first file is written into it. On Windows: icacls removes the inherited
 * permissions and grants full control to Administrators, SYSTEM and the folder's owner, named by SID so that it works
 * in every Windows language. Elsewhere (a lab on Linux or macOS): mode 0700, owner only. The folder is on the machine
 * running the core, so host/local-folder-access.ts closes it (the Windows adapter runs icacls).
 * When the folder cannot be closed (a FAT volume, a share that refuses permission changes) the backup is refused:
 * leaving the password readable by every user of the server is the surprise no admin wants.
 */
import { CoreError } from '../util/errors';
import { ADMINISTRATORS_ONLY_GRANTS, closeLocalFolder, type LocalMachine } from '../host/local-folder-access';

/** Administrators, SYSTEM, OWNER RIGHTS: full control, inherited by every file and folder below. */
export const BACKUP_FOLDER_GRANTS = ADMINISTRATORS_ONLY_GRANTS;

/** `machine` is a test seam: the platform, the program runner and the Windows folder of the machine running the core. */
export async function protectFolder(folder: string, machine?: LocalMachine): Promise<void> {
  await closeLocalFolder(folder, BACKUP_FOLDER_GRANTS, machine).catch((e: unknown) => {
    // A program that could not run (time-out, no icacls) keeps its own error; a folder that refused is refused here.
    if (e instanceof CoreError) throw e;
    throw notProtected(folder, e instanceof Error ? e.message : String(e));
  });
}

function notProtected(folder: string, why: string): CoreError {
  return new CoreError(
    'BackupFolderNotProtected',
    `Could not limit ${folder} to administrators (${why}). A backup holds the Web Service SDK service account password, so nothing was backed up: choose a ` +
      `destination on an NTFS volume where this account may change permissions.`,
    folder,
  );
}
