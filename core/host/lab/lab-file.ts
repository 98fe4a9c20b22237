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
  /** Where the MFA Server media sits in the lab's own Windows namespace; null when the server has none. */
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
