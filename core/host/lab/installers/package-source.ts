/**
 * What Windows Installer needs of a package before it installs a file, as the lab checks it: every cabinet the Media
 * table names must be there (Microsoft's "Cabinet" data type: '#name' a stream inside the package, any other name a
 * file beside it), and a directory property not given on the command line resolves through the Directory table.
 * A cached package (C:\Windows\Installer\*.msi, cabinets removed) therefore cannot install here either: under
 * /qn Windows logs error 1335 (embedded cabinet unusable) or 1311 (source file not found) and msiexec ends with 1603.
 */
import { CABINET_SIGNATURE } from '../../../msi/media';
import type { MsiInfo } from '../../../msi/msi-info';
import { readMsiTable } from '../../../msi/reader';
import { joinWindowsPath, windowsParent } from '../../../util/windows-path';
import type { LabMachine } from './lab-machine';

/** Windows Installer's fatal error exit code: what msiexec /qn returns after logging 1335 or 1311. */
export const MSIEXEC_FATAL_ERROR = 1603;

/** The log line of the first cabinet the package cannot be installed without, or undefined when all are there. */
export async function missingCabinet(lab: LabMachine, packagePath: string, info: MsiInfo): Promise<string | undefined> {
  for (const cab of info.cabinets) {
    if (cab.embedded) {
      if (cab.stream === 'Present') continue;
      return `Error 1335. The cabinet file '${cab.cabinet.replace(/^#/, '')}' required for this installation is corrupt and cannot be used ` +
        `(the stream is ${cab.stream === 'Missing' ? 'not in the package' : 'not a cabinet'}).`;
    }
    const beside = joinWindowsPath(windowsParent(packagePath), cab.cabinet);
    const stat = await lab.stat(beside);
    const head = stat && !stat.isDirectory && stat.size >= 4 ? await lab.readFileRange(beside, 0, 4) : undefined;
    if (!head?.equals(CABINET_SIGNATURE)) {
      return `Error 1311. Source file not found: ${beside}. Verify that the file exists and that you can access it.`;
    }
  }
  return undefined;
}

/**
 * The folder a Directory-table entry resolves to when no property of that name is given: its parents up to a system
 * folder (ProgramFilesFolder is the 32-bit Program Files on 64-bit Windows), each adding its target name.
 * Undefined when the table does not lead to a folder the lab knows.
 */
export function defaultDirectory(lab: LabMachine, bytes: Buffer, source: string, directory: string): string | undefined {
  const table = readMsiTable(bytes, source, 'Directory');
  const rows = new Map((table?.rows ?? []).map((r) => [String(r.Directory), r]));
  const system: Record<string, string> = {
    ProgramFilesFolder: lab.is64Bit ? 'C:\\Program Files (x86)' : 'C:\\Program Files',
    ProgramFiles64Folder: 'C:\\Program Files',
    TARGETDIR: 'C:\\',
  };
  const resolve = (key: string, depth: number): string | undefined => {
    if (system[key]) return system[key];
    const row = rows.get(key);
    if (!row || depth > 32 || typeof row.Directory_Parent !== 'string') return undefined;
    const parent = resolve(row.Directory_Parent, depth + 1);
    const target = String(row.DefaultDir ?? '').split(':')[0];
    const name = target.includes('|') ? target.split('|')[1] : target;
    return parent === undefined ? undefined : name === '.' ? parent : joinWindowsPath(parent, name);
  };
  return resolve(directory, 0);
}

/** A property given on the msiexec command line (`NAME=value`); the lab matches its name case-insensitively. */
export function commandLineProperty(properties: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(properties).find((p) => p.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : properties[key];
}
