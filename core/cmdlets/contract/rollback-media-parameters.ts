/**
 * -RollbackMediaPath, declared once for Backup-PhoneFactor, Invoke-MfaServerUpgrade and Test-MfaUpgradeReadiness, and
 * the RollbackMedia row the backup reports (one per PhoneFactor product: where its package came from, and whether it
 * counts).
 */
import { Type } from '@sinclair/typebox';
import { PathParameter, StringEnum } from './schema-helpers';

export const RollbackMediaPathParameter = Type.Optional(
  PathParameter(
    'A folder holding the installers of the PhoneFactor products installed now (the same versions), with any cabinet (.cab) files they need beside ' +
      'them, as a path on each server it is read on (with -LabPath: a C:\\ path inside the lab server). Used before Windows Installer\'s cached ' +
      'package and the original source the product\'s SourceList names. A package counts only when its ProductCode and ProductVersion are the ' +
      'installed product\'s, it is built for that platform, and every cabinet its Media table names is present.',
  ),
);

export const RollbackMediaRowSchema = Type.Object({
  ComputerName: Type.String(),
  Component: Type.String(),
  DisplayName: Type.String(),
  ProductCode: Type.String(),
  Version: Type.String(),
  Source: Type.Union([StringEnum(['GivenMedia', 'CachedPackage', 'OriginalSource']), Type.Null()]),
  PackagePath: Type.Union([Type.String(), Type.Null()]),
  Verdict: StringEnum(['Verified', 'NoVerifiedPackage']),
  Detail: Type.String(),
});
