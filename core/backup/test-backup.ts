/**
 * Test-PhoneFactorBackup's story: a backup is valid when every file re-hashes to its manifest, a restore from it
 * would write only where its own inventory says the files came from, AND each rollback package it keeps is still the
 * product and version its record names, with every cabinet it needs.
 */
import { restoreTargetProblems, targetBasis } from './restore-targets';
import { verifyBackup, type VerifyResult } from './verify-backup';
import { rollbackMediaProblems } from './verify-rollback-media';

export async function testBackup(backupPath: string): Promise<VerifyResult> {
  const result = await verifyBackup(backupPath);
  // A manifest that would make a restore write outside the places its inventory names is not a valid backup.
  if (result.IsValid && result.Manifest) {
    const refused = restoreTargetProblems(result.Manifest, await targetBasis(result.Path, result.Manifest));
    if (refused.length > 0) {
      return { ...result, IsValid: false, Reason: `A restore would write where this backup did not come from: ${refused.join('; ')}.` };
    }
    const media = await rollbackMediaProblems(result.Path, result.Manifest);
    if (media.length > 0) return { ...result, IsValid: false, Reason: `Its rollback media would not reinstall what it names: ${media.join('; ')}.` };
  }
  return result;
}
