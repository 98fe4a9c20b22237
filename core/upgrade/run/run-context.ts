/** What a step of the upgrade is given: the hosts, where backups go, what earlier steps recorded, the log. */
import type { Host } from '../../host/host';

export interface RunContext {
  host(computerName: string): Host;
  hosts: Host[];
  /** Local folder receiving backups. */
  backupDestination: string;
  /** The MFA Server media folder the admin named (-InstallerPath), as a path on the MFA server. */
  installerPath: string;
  toolVersion: string;
  /** Data a finished step recorded (e.g. the Backup step's BackupPath). */
  stepData(stepId: string): Record<string, unknown> | undefined;
  log(level: 'info' | 'warning', message: string): void;
  /** -RollbackMediaPath of this call: a folder on each server holding the previous installers. */
  rollbackMediaPath?: string;
  /** Readiness checks whose risk the run accepted (-SkipReadiness, now or when the run started). */
  acceptedRisks?: string[];
}
