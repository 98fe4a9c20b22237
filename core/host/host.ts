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

/** Space on the volume that holds a path (what GetDiskFreeSpaceEx reports to the caller). */
export interface VolumeSpace {
  /** The volume's root as a Windows path: 'C:\\'. */
  root: string;
  /** Bytes the calling account may still write (quotas included). */
  freeBytes: number;
  totalBytes: number;
}

/**
 * THE CONTRACT. Every adapter (lab, windows, remote, and any test stand-in) keeps these rules, and one conformance
 * suite (test/host-contract/) runs the same cases against each. Each rule follows what Windows does, not what would be
 * convenient: the lab must never be kinder than a real server, or code that passes in the lab fails in production.
 * Errors are CoreErrors whose `target` is the path, key or name at fault and whose message names it too, and every
 * method reports a failure by rejecting its promise (never by throwing before it returns one).
 *
 * Files (Windows paths `C:\...`; `/` is taken for `\`):
 * - Names are compared case-insensitively and stored as first spelled: `c:\X\WEB.CONFIG` reads, replaces and removes
 *   `C:\x\web.config`, and a listing shows the stored spelling (NTFS).
 * - A missing file is `FileNotFound` (readFile), a missing folder `DirectoryNotFound` (listDirectory, and the parent
 *   of a file being written). stat answers undefined instead of failing, also when a parent is missing or is a file.
 * - Nothing creates missing parent folders except makeDirectory: writeFileAtomic into a folder that does not exist is
 *   `DirectoryNotFound` naming that folder (CreateFile gives ERROR_PATH_NOT_FOUND), so callers make the folder first.
 * - A folder where a file is expected (readFile, writeFileAtomic over a folder) is `AccessDenied` (Windows answers
 *   ERROR_ACCESS_DENIED to opening a folder as a file); a file where a folder is expected is `DirectoryNotFound`
 *   (listDirectory, a write beneath it) or `NotADirectory` (makeDirectory). Missing permission or a read-only file
 *   being replaced or removed is `AccessDenied`.
 * - A file another process holds open without sharing (a running service's log, w3wp's config) cannot be replaced
 *   or removed: `FileInUse` (ERROR_SHARING_VIOLATION), and nothing is changed.
 * - readFileRange answers the bytes readFile would hold at that range, and the same errors for the same causes.
 * - removePath of something absent succeeds: the port's removePath means "make it absent" (as Windows Installer
 *   skips RemoveFile rows whose file is gone), so a resumed step may repeat it.
 *
 * Registry (`HKLM\...`; key and value names case-insensitive, subkey names listed as stored):
 * - The two views are separate trees under HKLM\SOFTWARE on 64-bit Windows ('32' is SOFTWARE\Wow6432Node); on 32-bit
 *   Windows both name the same keys. A value set in one view is not seen in the other.
 * - Every value type round-trips exactly: REG_SZ (empty and non-ASCII text too), REG_EXPAND_SZ (never expanded),
 *   REG_DWORD (0..0xFFFFFFFF), REG_QWORD (0..2^53-1 here), REG_MULTI_SZ (an array of non-empty strings), REG_BINARY
 *   (lowercase hex pairs `de,ad`, '' when empty). A value that does not fit its type is `InvalidRegistryValue`.
 * - A missing key: getRegistryKey answers undefined, exportRegistryKey fails with `RegistryKeyNotFound`,
 *   deleteRegistryKey succeeds (it means "make it absent", like removePath). setRegistryValue creates the key and
 *   its missing parents (RegCreateKeyEx, `reg add`).
 *
 * Services (names case-insensitive):
 * - A missing service: getService answers undefined, stopService/startService fail with `ServiceNotFound`.
 * - Stopping a stopped service and starting a running one succeed; starting a disabled one is `ServiceDisabled`.
 *   Both return once the service has reached the state (sc.exe only asks; the adapter waits and checks).
 *
 * Windows Installer (runMsiexec, runSetup):
 * - The outcome is the exit code, never an exception: 0, 3010/1641 (done, restart wanted), 1603 (failed, rolled
 *   back), 1605 (uninstall of a product that is not installed), 1618 (another installation is running: the adapter
 *   may wait and retry, and answers 1618 if it is still busy), 1619 (package missing or unreadable), 1638 (another
 *   version installed), 1633 (wrong platform). Exceptions are for failing to run the installer at all.
 * - An installation or removal is a transaction: it commits whole (files, registry, services, IIS, the product's
 *   registration) or not at all. A caller killed meanwhile leaves the old product or the new one, never half of one:
 *   on Windows the Installer service finishes or rolls back by itself; the lab rolls an interrupted one back the next
 *   time the server is opened.
 *
 * Scheduled tasks: unregistering a missing task answers false; reading one answers undefined.
 *
 * Readiness (read-only; they change nothing on the server):
 * - getVolumeSpace answers for the volume of any path on an existing drive, also a path that does not exist yet;
 *   a drive that does not exist answers undefined (GetDiskFreeSpaceEx: ERROR_PATH_NOT_FOUND). freeBytes is what the
 *   calling account may write (quotas count), never more than totalBytes.
 * - isElevated is true only with a High or System integrity level: an administrator's filtered UAC token is not
 *   elevated. A failure to tell is an error (`ElevationUnknown`), never a guess either way.
 * - getLocalGroupMembers lists a LOCAL group's direct members as `DOMAIN\name`; a group that does not exist answers
 *   undefined (not []: an empty group exists); a group that cannot be read is an error, never an empty list.
 */
/** How output objects name a host so that they pipe back to it: ComputerName and LabPath together address it again. */
export interface HostAddress {
  computerName: string;
  labPath: string | null;
}

export interface Host {
  /**
   * Which adapter this is: for records and messages only. What differs between adapters is a member of the port
   * (address, labFolder, localPath); code outside core/host/ never branches on kind.
   */
  readonly kind: 'lab' | 'windows' | 'remote';
  /**
   * A lab server: its name and its server folder. This machine: its name, no lab path. A remote server: the name it
   * was reached by (an IP address or DNS name may be the only one that reaches it) and, for a lab there, the server
   * folder on that machine.
   */
  readonly address: HostAddress;
  /**
   * The lab server folder on the machine running the core (the folder holding server.json) when this host is a lab
   * server here; null for any other host. The one way to find it (Windows paths then resolve inside it).
   */
  readonly labFolder: string | null;
  /**
   * The MfaServerUpgrade module a program started on this host by itself (a scheduled task) can import, as the path of
   * its manifest there: for a remote server, the copy this tool keeps on it (module-deploy.ts,
   * %ProgramData%\MfaServerUpgrade\<version>); null when the host's programs run on this machine (this Windows, a lab
   * here), where the module the admin runs is the one.
   */
  readonly deployedModuleManifest: string | null;
  readonly computerName: string;
  /** Fully qualified name clients use in URLs (the SDK URL must use the name on its certificate); may be undefined. */
  readonly dnsName?: string;
  /** True on 64-bit Windows (decides which 32/64-bit MSI a component needs). */
  readonly is64Bit: boolean;

  // ── files (Windows paths, case-insensitive) ──
  /** undefined when the path (or a parent) is absent. */
  stat(path: string): Promise<FileStat | undefined>;
  /** FileNotFound when absent; AccessDenied on a folder; FileInUse when held open exclusively. */
  readFile(path: string): Promise<Buffer>;
  /**
   * A range of a file, for files too large to hold (a service log of a gigabyte): at most `length` bytes from
   * `offset`, fewer only at the end of the file, none at or past it. The same errors as readFile; a length above
   * 4 MiB (what a remote call carries inline), 0, or a negative offset is `InvalidFileRange`. Each call stands alone
   * (no handle is kept open between calls), so a file being appended to is read as far as it has got.
   */
  readFileRange(path: string, offset: number, length: number): Promise<Buffer>;
  /**
   * Temp file in the same folder, fsync, rename: the target is either old or new, never half. The folder must exist
   * (DirectoryNotFound naming it otherwise); a folder at the path is AccessDenied; a file held open is FileInUse.
   */
  writeFileAtomic(path: string, data: Buffer): Promise<void>;
  /** The entries as stored (their own spelling); DirectoryNotFound when absent or a file. */
  listDirectory(path: string): Promise<DirectoryEntry[]>;
  /** Creates the folder and any missing parents; an existing folder is fine; a file in the way is NotADirectory. */
  makeDirectory(path: string): Promise<void>;
  /** Removes a file or a folder tree; absent is fine; FileInUse / AccessDenied change nothing. */
  removePath(path: string): Promise<void>;
  /**
   * Closes an existing folder to everyone but administrators (Windows: Administrators become the owner of it and all
   * in it, and only Administrators and SYSTEM keep access; elsewhere: owner-only, 0700), so that no other account can
   * change what the tool writes into it next, nor had it prepared beforehand. DirectoryNotFound when absent;
   * FolderNotProtected when the permissions cannot be set.
   */
  closeFolder(path: string): Promise<void>;
  /**
   * The real path of a Windows path on the machine running the core, when the host's files are
   * local (lab and windows adapters); undefined for remote hosts, for every path. Lets backups stream large files.
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

  // ── what a server can tell about itself before an upgrade (Test-MfaUpgradeReadiness) ──
  /**
   * Free and total space of the volume holding `path`. The path itself need not exist, its drive must: undefined when
   * there is no such drive (as GetDiskFreeSpaceEx fails with ERROR_PATH_NOT_FOUND). Free space is what the calling
   * account may write, not the volume's raw free space (quotas count, as on Windows).
   */
  getVolumeSpace(path: string): Promise<VolumeSpace | undefined>;
  /**
   * True when the core runs with an administrator's full token: High or System mandatory integrity level
   * (S-1-16-12288 / S-1-16-16384), which is what UAC's "Run as administrator" and SYSTEM give. A member of
   * Administrators in a non-elevated process is NOT elevated (Windows filters the token).
   */
  isElevated(): Promise<boolean>;
  /**
   * Members of the LOCAL group of that name, each as `DOMAIN\name` (a local account as `COMPUTER\name`), in the
   * order Windows lists them; compare case-insensitively. Nested groups appear as members and are not expanded.
   * undefined when this server has no local group of that name (it may then be a domain group, which a server
   * cannot list without directory tools). Any other failure (access denied, the program not starting) throws.
   */
  getLocalGroupMembers(group: string): Promise<string[] | undefined>;

  // ── monitoring ──
  /**
   * One entry in the server's Application event log, under `source` (created on first use), for monitoring tools
   * that watch the event log. Windows: eventcreate.exe (event ids 1-1000; the message is one line). A lab records the
   * entry in its file C:\Windows\Logs\MfaLab\Application-events.log, one JSON object per line. A refusal
   * (not elevated, the source belongs to another program) is EventLogWriteFailed.
   */
  writeEventLog(entry: EventLogEntry): Promise<void>;
}

export type EventLogType = 'Information' | 'Warning' | 'Error';

export interface EventLogEntry {
  source: string;
  /** 1 to 1000 (what eventcreate.exe accepts). */
  eventId: number;
  type: EventLogType;
  message: string;
}
