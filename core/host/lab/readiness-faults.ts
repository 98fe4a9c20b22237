/**
 * The readiness faults of server.json (README.md, "Faults") as they show on a lab server: pending-restart indicators
 * and hidden products are laid over each READ of the registry, exactly where Windows keeps them, so the code that
 * reads a real server reads them the same way. registry.reg itself is never changed by a fault.
 */
import type { RegistryTree } from '../registry-file';
import type { RegistryView } from '../host';
import type { LabFaults, LabPendingIndicator } from './server-file';
import { UNINSTALL_KEY } from '../installed-products';

/** Where Windows shows each indicator (key that exists, or a value of a key). */
export const PENDING_INDICATOR_KEYS: Record<LabPendingIndicator, { key: string; value?: { name: string; data: string[] } }> = {
  ComponentBasedServicing: { key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending' },
  WindowsUpdate: { key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired' },
  PendingFileRenameOperations: {
    key: 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager',
    value: { name: 'PendingFileRenameOperations', data: ['\\??\\C:\\Windows\\Temp\\lab-pending.tmp', ''] },
  },
  InstallerInProgress: { key: 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Installer\\InProgress' },
};

/** The registry as a read sees it with the faults applied (the tree is a fresh copy the caller owns). */
export function applyRegistryFaults(
  tree: RegistryTree,
  faults: LabFaults | undefined,
  regPath: (key: string, view: RegistryView) => string,
  is64Bit: boolean,
): RegistryTree {
  for (const indicator of faults?.pendingRestart ?? []) {
    const where = PENDING_INDICATOR_KEYS[indicator];
    if (!where) continue;
    const path = regPath(where.key, '64');
    if (where.value) tree.setValue(path, { name: where.value.name, type: 'REG_MULTI_SZ', data: where.value.data });
    else tree.ensureKey(path);
  }
  const hidden = (faults?.missingProducts ?? []).map((m) => m.toLowerCase()).filter((m) => m !== '');
  if (hidden.length > 0) {
    for (const view of (is64Bit ? ['64', '32'] : ['32']) as RegistryView[]) {
      const root = regPath(UNINSTALL_KEY, view);
      for (const name of tree.subkeyNames(root)) {
        const entry = tree.getKey(`${root}\\${name}`);
        const display = entry?.values.find((v) => v.name.toLowerCase() === 'displayname')?.data;
        if (typeof display === 'string' && hidden.some((h) => display.toLowerCase().includes(h))) tree.deleteKey(`${root}\\${name}`);
      }
    }
  }
  return tree;
}

/** The free bytes a fault sets for the drive of a Windows path ("C:"), if any. */
export function faultFreeSpace(faults: LabFaults | undefined, drive: string): number | undefined {
  const entry = Object.entries(faults?.freeSpace ?? {}).find(([d]) => d.replace(/[\\:]+$/, '').toLowerCase() === drive.replace(/[\\:]+$/, '').toLowerCase());
  return entry?.[1];
}
