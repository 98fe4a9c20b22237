/**
 * The host port: everything that touches a server goes through this interface.
 * Paths are Windows paths (`C:\Program Files\PhoneFactor`) and are compared case-insensitively.
 * Adapters: lab/ (a simulated server in a folder), windows/ (the local machine), remote/ (PowerShell remoting).
 * Knowledge derived from these primitives (installed products, IIS applications) lives in shared code,
 * not in each adapter: see host/installed-products.ts and host/iis.ts.
 */

/** The two registry views of 64-bit Windows. '32' is what 32-bit programs see (SOFTWARE\Wow6432Node). */
export type RegistryView = '64' | '32';

export type RegistryValueType =
  | 'REG_SZ'
  | 'REG_EXPAND_SZ'
  | 'REG_DWORD'
  | 'REG_QWORD'
  | 'REG_MULTI_SZ'
  | 'REG_BINARY';

export interface RegistryValue {
  /** Value name; '' is the key's default value. */
  name: string;
  type: RegistryValueType;
  /** REG_SZ/EXPAND_SZ: string; DWORD/QWORD: number; MULTI_SZ: string[]; BINARY: lowercase hex bytes 'de,ad'. */
  data: string | number | string[];
}

export interface RegistryKey {
  /** Full key path as given, e.g. 'HKLM\SOFTWARE\Positive Networks\PhoneFactor'. */
  path: string;
  values: RegistryValue[];
  subkeys: string[];
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

export interface DirectoryEntry {
  name: string;
  isDirectory: boolean;
}

export type ServiceState = 'Running' | 'Stopped' | 'StartPending' | 'StopPending' | 'Paused';

export interface ServiceInfo {
  name: string;
  displayName: string;
  state: ServiceState;
  startType: 'Automatic' | 'Manual' | 'Disabled';
}

export type MsiexecRequest =
  | {
      operation: 'install';
      /** Windows path of the .msi on the target. */
      packagePath: string;
      /** Public properties passed as PROP=value. */
      properties: Record<string, string>;
      /** Windows path of the verbose log (/l*v). */
      logPath: string;
    }
  | {
      operation: 'uninstall';
      productCode: string;
      logPath: string;
    };

export interface MsiexecResult {
  exitCode: number;
  /** The exact command line that ran (for logs and the recorded-command fake). */
  commandLine: string;
}

/** A setup program (the MFA Server bootstrapper `MultiFactorAuthenticationServerSetup.exe`). */
export interface SetupRequest {
  /** Windows path of the program on the target. */
  path: string;
  arguments: string[];
  /** Windows path of the setup log. */
  logPath: string;
}

export interface Host {
  readonly kind: 'lab' | 'windows' | 'remote';
  readonly computerName: string;
  /** Fully qualified name clients use in URLs (the SDK URL must use the name on its certificate); may be undefined. */
  readonly dnsName?: string;
  /** True on 64-bit Windows (decides which 32/64-bit MSI a component needs). */
  readonly is64Bit: boolean;

  // ── files (Windows paths, case-insensitive) ──
  stat(path: string): Promise<FileStat | undefined>;
  readFile(path: string): Promise<Buffer>;
  /** Temp file in the same folder, fsync, rename: the target is either old or new, never half. */
  writeFileAtomic(path: string, data: Buffer): Promise<void>;
  listDirectory(path: string): Promise<DirectoryEntry[]>;
  makeDirectory(path: string): Promise<void>;
  removePath(path: string): Promise<void>;
  /**
   * The real path of a Windows path on the machine running the core, when the host's files are
   * local (lab and windows adapters); undefined for remote hosts. Lets backups stream large files.
   */
  localPath(path: string): string | undefined;

  // ── registry ──
  getRegistryKey(key: string, view: RegistryView): Promise<RegistryKey | undefined>;
  setRegistryValue(key: string, view: RegistryView, value: RegistryValue): Promise<void>;
  deleteRegistryKey(key: string, view: RegistryView): Promise<void>;
  /** The key and its subtree in regedit export format ("Windows Registry Editor Version 5.00"). */
  exportRegistryKey(key: string, view: RegistryView): Promise<string>;

  // ── services ──
  getService(name: string): Promise<ServiceInfo | undefined>;
  listServices(): Promise<ServiceInfo[]>;
  stopService(name: string): Promise<void>;
  startService(name: string): Promise<void>;

  // ── Windows Installer ──
  runMsiexec(request: MsiexecRequest): Promise<MsiexecResult>;
  /** Run a setup program and wait for it; exit codes follow Windows Installer's (0, 3010, 1641, 1618, 1603…). */
  runSetup(request: SetupRequest): Promise<MsiexecResult>;

  // ── Task Scheduler (task names are paths: `\Folder\Name`) ──
  /** Register the task from its Task Scheduler XML, replacing a task of the same name. */
  registerScheduledTask(name: string, xml: string): Promise<void>;
  /** Delete the task; false when there was no such task. */
  unregisterScheduledTask(name: string): Promise<boolean>;
  /** The task's XML, or undefined when there is no such task. */
  getScheduledTask(name: string): Promise<string | undefined>;
}
