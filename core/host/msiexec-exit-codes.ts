/**
 * What a Windows Installer (msiexec.exe or a setup bootstrapper) exit code means for this tool.
 * Shared by every host adapter so the lab, the local server and remote servers judge results alike.
 */

export type MsiexecOutcome = 'Success' | 'RebootRequired' | 'RebootInitiated' | 'NotInstalled' | 'Busy' | 'Failed';

export interface MsiexecExitCodeMeaning {
  outcome: MsiexecOutcome;
  message: string;
}

export const MSIEXEC_SUCCESS = 0;
export const MSIEXEC_REBOOT_INITIATED = 1641;
export const MSIEXEC_REBOOT_REQUIRED = 3010;
export const MSIEXEC_NOT_INSTALLED = 1605;
/** Another installation holds the Windows Installer (the Global\_MSIExecute mutex): wait and try again. */
export const MSIEXEC_INSTALL_IN_PROGRESS = 1618;

const MEANINGS: Record<number, MsiexecExitCodeMeaning> = {
  0: { outcome: 'Success', message: 'The installer finished successfully.' },
  1707: { outcome: 'Success', message: 'The installer finished successfully.' },
  3010: { outcome: 'RebootRequired', message: 'The installer finished; the server must be restarted to complete it.' },
  1641: { outcome: 'RebootInitiated', message: 'The installer finished and started a restart of the server.' },
  1605: { outcome: 'NotInstalled', message: 'The product is not installed on this server (nothing to remove).' },
  1618: { outcome: 'Busy', message: 'Another installation was running, so Windows Installer refused to start this one.' },
  1601: { outcome: 'Failed', message: 'The Windows Installer service could not be reached; check that the service is not disabled.' },
  1602: { outcome: 'Failed', message: 'The installation was cancelled.' },
  1603: { outcome: 'Failed', message: 'The installer hit a fatal error; the verbose log (search for "return value 3") says why.' },
  1608: { outcome: 'Failed', message: 'The installer could not find a required product it depends on.' },
  1612: { outcome: 'Failed', message: 'The installation source is not available; check that the MSI file is still reachable.' },
  1619: { outcome: 'Failed', message: 'The installation package could not be opened; check the path, the file and access rights.' },
  1620: { outcome: 'Failed', message: 'The installation package could not be opened; it may be damaged or not a Windows Installer package.' },
  1622: { outcome: 'Failed', message: 'The installer could not open its log file; check the log folder and its access rights.' },
  1623: { outcome: 'Failed', message: "The package does not support this server's language." },
  1624: { outcome: 'Failed', message: 'A transform given to the installer could not be applied.' },
  1625: { outcome: 'Failed', message: 'A system policy forbids this installation.' },
  1632: { outcome: 'Failed', message: 'The temporary folder is full or cannot be written.' },
  1633: { outcome: 'Failed', message: "The package does not support this server's processor type (32-bit package vs 64-bit, or the reverse)." },
  1635: { outcome: 'Failed', message: 'A patch package could not be opened.' },
  1638: { outcome: 'Failed', message: 'Another version of this product is already installed; remove it first or upgrade through the product.' },
  1639: { outcome: 'Failed', message: 'The installer rejected its command line arguments.' },
  1640: { outcome: 'Failed', message: 'Only an administrator can install this product from a Remote Desktop session.' },
  1643: { outcome: 'Failed', message: 'A system policy forbids this patch.' },
  1644: { outcome: 'Failed', message: 'A system policy forbids one or more customizations of this installation.' },
};

export function describeMsiexecExitCode(code: number): MsiexecExitCodeMeaning {
  const known = MEANINGS[code];
  if (known) return { outcome: known.outcome, message: `${known.message} (exit code ${code})` };
  return { outcome: 'Failed', message: `The installer failed with exit code ${code}, which has no meaning known to this tool.` };
}

/** True when the product is now in the requested state (a reboot may still be due). */
export function isMsiexecSuccess(outcome: MsiexecOutcome): boolean {
  return outcome === 'Success' || outcome === 'RebootRequired' || outcome === 'RebootInitiated';
}
