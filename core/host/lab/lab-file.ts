/** What a lab folder is made of and what New-MfaLab reports about it: shared by the scenarios, README.txt and labs rebuilt from a backup. */

export type LabScenario =
  | 'SingleServer'
  | 'SeparateWebServer'
  | 'AgentOnly'
  | 'CustomNames'
  | 'SdkConsumers'
  | 'CachedPackageOnly'
  | 'NoCachedPackage'
  | 'ActivationFails';
export const LAB_SCENARIOS: LabScenario[] = [
  'SingleServer',
  'SeparateWebServer',
  'AgentOnly',
  'CustomNames',
  'SdkConsumers',
  // SingleServer variants of what stands behind the way back (scenarios.ts says what each one changes).
  'CachedPackageOnly',
  'NoCachedPackage',
  'ActivationFails',
];

export interface LabServerSummary {
  LabPath: string;
  ComputerName: string;
  /**
   * Where the MFA Server media sits in the lab's Windows namespace: on the server itself, or for a server without media
   * of its own (an SDK caller's) the lab's media on its MFA server, which is where an upgrade of the lab reads them.
   * Null only when no server of the lab has media.
   */
  InstallerPath: string | null;
  Scenario: LabScenario | 'FromBackup';
  /** What the lab made up or could not rebuild (labs from a backup); [] for a scenario. */
  Notes: string[];
}

export interface LabFile {
  formatVersion: 1;
  scenario: LabScenario | 'FromBackup';
  /** Server folders relative to the lab folder; '.' when the lab folder is the server. */
  servers: string[];
}

/**
 * The lab's objects as New-MfaLab outputs them: every server carries the lab's installer media path, because they are
 * piped together into one upgrade (InstallerPath binds by name) and a server without media of its own (an SDK caller)
 * must not refuse the binding for the whole batch. The media path is one per lab: the first server that has one.
 */
export function withLabInstallerPath(summaries: LabServerSummary[]): LabServerSummary[] {
  const labMedia = summaries.find((s) => s.InstallerPath !== null)?.InstallerPath ?? null;
  return summaries.map((s) => ({ ...s, InstallerPath: s.InstallerPath ?? labMedia }));
}
