/** Every operation, in the order `mfa-core --list` and the module show them. */
import type { OperationContract } from './contract/contract';
import { newLabOperation } from './new-lab';
import { getComponentOperation } from './get-component';
import { getSdkConsumerOperation } from './get-sdk-consumer';
import { testWebTierOperation } from './test-webtier';
import { mergeWebConfigOperation } from './merge-webconfig';
import { testUpgradeOperation } from './test-upgrade';
import { getUpgradePlanOperation } from './get-upgrade-plan';
import { invokeUpgradeOperation } from './invoke-upgrade';
import { undoUpgradeOperation } from './undo-upgrade';
import { uninstallPhoneFactorOperation } from './uninstall-phonefactor';
import { installMfaServerOperation } from './install-mfaserver';
import { backupPhoneFactorOperation } from './backup-phonefactor';
import { testBackupOperation } from './test-backup';
import { restorePhoneFactorOperation } from './restore-phonefactor';
import { registerBackupTaskOperation } from './register-backup-task';
import { unregisterBackupTaskOperation } from './unregister-backup-task';
import { hostCallOperation } from './host-call';
import { testReadinessOperation } from './test-readiness';
import { getServerUsageOperation } from './get-server-usage';
import { testTenantReadinessOperation } from './test-tenant-readiness';
import { testMigrationReadinessOperation } from './test-migration-readiness';
import { getMigrationStatusOperation } from './get-migration-status';
import { exportTenantStateOperation } from './export-tenant-state';
import { getUpgradeRunOperation } from './get-upgrade-run';
import { getBackupOperation } from './get-backup';
import { getBackupTaskOperation } from './get-backup-task';

const all = [
  newLabOperation,
  getComponentOperation,
  getServerUsageOperation,
  testMigrationReadinessOperation,
  getSdkConsumerOperation,
  testWebTierOperation,
  backupPhoneFactorOperation,
  testBackupOperation,
  getBackupOperation,
  restorePhoneFactorOperation,
  registerBackupTaskOperation,
  unregisterBackupTaskOperation,
  getBackupTaskOperation,
  mergeWebConfigOperation,
  uninstallPhoneFactorOperation,
  installMfaServerOperation,
  getUpgradePlanOperation,
  testReadinessOperation,
  invokeUpgradeOperation,
  undoUpgradeOperation,
  getUpgradeRunOperation,
  testUpgradeOperation,
  testTenantReadinessOperation,
  getMigrationStatusOperation,
  exportTenantStateOperation,
  hostCallOperation,
];

export const operations = all as unknown as OperationContract[];

export function findOperation(name: string): OperationContract | undefined {
  return operations.find((o) => o.name === name);
}
