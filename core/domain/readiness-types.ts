/**
 * The readiness checks run before an upgrade (Test-MfaUpgradeReadiness, and Invoke-MfaServerUpgrade before anything
 * changes): one row per check and server. Each row says what it rests on (Basis): what a public page says with its
 * Microsoft Learn title and URL (domain/learn-sources.ts), or "Inference:" when no source states it.
 */
export const READINESS_CHECKS = [
  'Reachable',
  'Elevated',
  'InstallerMedia',
  'FreeSpace',
  'BackupDestination',
  'PendingRestart',
  'InstallationInProgress',
  'ServiceStoppable',
  'VcRuntime',
  'SdkUrl',
  'SdkServiceAccount',
  'WebTier',
  'RollbackMedia',
  'Activation',
] as const;

export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

/**
 * The checks of Test-MfaMigrationReadiness (core/migration/): is this MFA Server ready to run the Migration Utility?
 * Rows of the same shape as the upgrade's (ReadinessRow<MigrationCheckName>).
 */
export const MIGRATION_CHECKS = [
  'MfaServerBuild',
  'MigrationUtility',
  'ReplicationRole',
  'DotNetTls12',
  'SignInEndpoint',
  'GraphEndpoint',
  'MethodsThatDoNotMigrate',
] as const;

export type MigrationCheckName = (typeof MIGRATION_CHECKS)[number];
export type ReadinessResult = 'Passed' | 'Warning' | 'Failed';

export interface ReadinessRow<C extends string = ReadinessCheckName> {
  ComputerName: string;
  Check: C;
  Result: ReadinessResult;
  Detail: string;
  /** What to do about a Warning or a Failed; null when Passed. */
  Action: string | null;
  /** The documented fact the check rests on, or "Inference: ..." */
  Basis: string;
  /** True when -SkipReadiness accepted this Failed check as a named risk. */
  Accepted: boolean;
}

export const row = <C extends string = ReadinessCheckName>(
  ComputerName: string,
  Check: C,
  Result: ReadinessResult,
  Detail: string,
  Action: string | null,
  Basis: string,
): ReadinessRow<C> => ({
  ComputerName,
  Check,
  Result,
  Detail,
  Action: Result === 'Passed' ? null : Action,
  Basis,
  Accepted: false,
});

/** One endpoint of the web tier as probed after the upgrade (Invoke-MfaServerUpgrade -WebTier; the report's table). */
export interface WebTierRow {
  ComputerName: string;
  Role: string;
  Url: string;
  Source: string;
  Result: string;
  Problems: string[];
  Detail: string;
}

/** Bytes as an admin reads them. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[i]}`;
}
