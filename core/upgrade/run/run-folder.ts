/**
 * The run folder (<BackupDestination>\MfaServerUpgrade-<servers>) holds what the engine acts on later: the plan it
 * runs (installer paths among it), the journal that says what is done, run.lock and the log. Whoever can write there
 * steers the next -Resume, so the folder gets the protection of a backup folder (administrators, SYSTEM and its
 * owner only: core/backup/protect-folder.ts) before its first file, and again on every run (a folder an older version
 * made, or one whose permissions were opened since).
 */
import { protectFolder } from '../../backup/protect-folder';
import { CoreError, isCoreError } from '../../util/errors';

export async function protectRunFolder(folder: string): Promise<void> {
  try {
    await protectFolder(folder);
  } catch (e) {
    const why = isCoreError(e) ? e.message : (e as Error).message;
    throw new CoreError(
      'RunFolderNotProtected',
      `The run folder ${folder} could not be limited to administrators, so the upgrade did not start: its plan and journal decide ` +
        `what the next run does. ${why}`,
      folder,
    );
  }
}
