/**
 * Why this file: the Host port on the real local Windows server, assembled from the files, registry, services and
 * installer parts beside it.
 */
import { randomBytes } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { win32 } from 'node:path';
import type {
  DirectoryEntry,
  EventLogEntry,
  FileStat,
  Host,
  HostAddress,
  MsiexecRequest,
  MsiexecResult,
  RegistryKey,
  RegistryValue,
  RegistryView,
  ServiceInfo,
  SetupRequest,
  VolumeSpace,
} from '../host';
import type { CommandRunner } from './command-runner';
import { SpawnCommandRunner } from './spawn-command-runner';
import { systemClock, type Clock } from './timing';
import { WindowsFiles } from './windows-files';
import { WindowsInstaller } from './windows-installer';
import { WindowsRegistry } from './windows-registry';
import { WindowsServices } from './windows-services';
import { WindowsTaskScheduler } from './windows-task-scheduler';
import { WindowsAccounts } from './windows-accounts';
import { WindowsFolderAccess } from './folder-access';
import { CoreError } from '../../util/errors';
import { checkEventLogEntry } from '../event-log';

export interface WindowsHostOptions {
  /** Every program the adapter starts goes through this; default: child_process.spawn. */
  runner?: CommandRunner;
  files?: WindowsFiles;
  clock?: Clock;
  computerName?: string;
  is64Bit?: boolean;
  /** %SystemRoot%: reg.exe, sc.exe and msiexec.exe are started by full path, never found through PATH. */
  systemRoot?: string;
  /** Folder for `reg export` files and the task XML handed to schtasks. */
  tempDirectory?: string;
  randomId?: () => string;
  /** Retry window while Windows Installer is busy (1618); 600 s like common deployment tooling. */
  installerBusyTimeoutMs?: number;
  installerBusyRetryMs?: number;
  /**
   * An installer (msiexec, the setup program) is stopped after this long: 2 h, beyond any real MFA Server install;
   * msiexec /qn never waits for a person, so an installer still running then is stuck.
   */
  installerTimeoutMs?: number;
  /** reg.exe, sc.exe, schtasks.exe and icacls.exe are stopped after this long (default 120 s; they take < 1 s). */
  commandTimeoutMs?: number;
  serviceTimeoutMs?: number;
  servicePollMs?: number;
}

export const DEFAULT_COMMAND_TIMEOUT_MS = 120_000;
export const DEFAULT_INSTALLER_TIMEOUT_MS = 2 * 3_600_000;

/** A 32-bit node on 64-bit Windows still sees PROCESSOR_ARCHITEW6432; a 64-bit one reports its own arch. */
function detect64Bit(): boolean {
  return process.arch === 'x64' || process.arch === 'arm64' || process.env.PROCESSOR_ARCHITEW6432 !== undefined;
}

/** The local Windows server: node fs for files, reg.exe, sc.exe and msiexec.exe for the rest. */
export class WindowsHost implements Host {
  readonly kind = 'windows' as const;
  readonly labFolder = null;
  readonly deployedModuleManifest = null;
  readonly computerName: string;
  readonly is64Bit: boolean;
  private readonly files: WindowsFiles;
  private readonly registry: WindowsRegistry;
  private readonly services: WindowsServices;
  private readonly installer: WindowsInstaller;
  private readonly tasks: WindowsTaskScheduler;
  private readonly accounts: WindowsAccounts;
  private readonly folderAccess: WindowsFolderAccess;
  private readonly runner: CommandRunner;
  private readonly eventcreateExe: string;
  private readonly commandTimeoutMs: number;

  constructor(options: WindowsHostOptions = {}) {
    const runner = options.runner ?? new SpawnCommandRunner();
    const clock = options.clock ?? systemClock;
    const system32 = win32.join(options.systemRoot ?? process.env.SystemRoot ?? 'C:\\Windows', 'System32');
    const regExe = win32.join(system32, 'reg.exe');
    this.computerName = options.computerName ?? process.env.COMPUTERNAME ?? hostname();
    this.is64Bit = options.is64Bit ?? detect64Bit();
    this.files = options.files ?? new WindowsFiles(undefined, this.computerName);
    const tempDirectory = options.tempDirectory ?? tmpdir();
    const randomId = options.randomId ?? (() => randomBytes(6).toString('hex'));
    const commandTimeoutMs = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    this.runner = runner;
    this.commandTimeoutMs = commandTimeoutMs;
    this.eventcreateExe = win32.join(system32, 'eventcreate.exe');
    this.registry = new WindowsRegistry(runner, { regExe, commandTimeoutMs, tempDirectory, randomId });
    this.tasks = new WindowsTaskScheduler(runner, { schtasksExe: win32.join(system32, 'schtasks.exe'), commandTimeoutMs, tempDirectory, randomId });
    this.accounts = new WindowsAccounts(runner, {
      whoamiExe: win32.join(system32, 'whoami.exe'),
      powershellExe: win32.join(system32, 'WindowsPowerShell', 'v1.0', 'powershell.exe'),
      commandTimeoutMs,
    });
    this.services = new WindowsServices(runner, {
      scExe: win32.join(system32, 'sc.exe'),
      commandTimeoutMs,
      regExe,
      clock,
      serviceTimeoutMs: options.serviceTimeoutMs ?? 120_000,
      servicePollMs: options.servicePollMs ?? 1_000,
    });
    this.folderAccess = new WindowsFolderAccess(runner, system32, this.computerName);
    this.installer = new WindowsInstaller(runner, {
      msiexecExe: win32.join(system32, 'msiexec.exe'),
      clock,
      busyTimeoutMs: options.installerBusyTimeoutMs ?? 600_000,
      busyRetryMs: options.installerBusyRetryMs ?? 10_000,
      installerTimeoutMs: options.installerTimeoutMs ?? DEFAULT_INSTALLER_TIMEOUT_MS,
      makeDirectory: (path) => this.files.makeDirectory(path),
    });
  }

  get address(): HostAddress {
    return { computerName: this.computerName, labPath: null };
  }

  stat(path: string): Promise<FileStat | undefined> {
    return this.files.stat(path);
  }
  readFile(path: string): Promise<Buffer> {
    return this.files.readFile(path);
  }

  readFileRange(path: string, offset: number, length: number): Promise<Buffer> {
    return this.files.readFileRange(path, offset, length);
  }
  writeFileAtomic(path: string, data: Buffer): Promise<void> {
    return this.files.writeFileAtomic(path, data);
  }
  listDirectory(path: string): Promise<DirectoryEntry[]> {
    return this.files.listDirectory(path);
  }
  makeDirectory(path: string): Promise<void> {
    return this.files.makeDirectory(path);
  }
  async closeFolder(path: string): Promise<void> {
    const found = await this.files.stat(path);
    if (!found?.isDirectory) throw new CoreError('DirectoryNotFound', `The folder ${path} does not exist on ${this.computerName}.`, path);
    await this.folderAccess.closeToAdministrators(path);
  }
  removePath(path: string): Promise<void> {
    return this.files.removePath(path);
  }
  /** Files are local: the Windows path is the path (under the test root when one is given). */
  localPath(path: string): string {
    return this.files.localPath(path);
  }

  getRegistryKey(key: string, view: RegistryView): Promise<RegistryKey | undefined> {
    return this.registry.getKey(key, view);
  }
  setRegistryValue(key: string, view: RegistryView, value: RegistryValue): Promise<void> {
    return this.registry.setValue(key, view, value);
  }
  deleteRegistryKey(key: string, view: RegistryView): Promise<void> {
    return this.registry.deleteKey(key, view);
  }
  exportRegistryKey(key: string, view: RegistryView): Promise<string> {
    return this.registry.exportKey(key, view);
  }

  getService(name: string): Promise<ServiceInfo | undefined> {
    return this.services.get(name);
  }
  listServices(): Promise<ServiceInfo[]> {
    return this.services.list();
  }
  stopService(name: string): Promise<void> {
    return this.services.stop(name);
  }
  startService(name: string): Promise<void> {
    return this.services.start(name);
  }

  runMsiexec(request: MsiexecRequest): Promise<MsiexecResult> {
    return this.installer.runMsiexec(request);
  }
  runSetup(request: SetupRequest): Promise<MsiexecResult> {
    return this.installer.runSetup(request);
  }

  registerScheduledTask(name: string, xml: string): Promise<void> {
    return this.tasks.register(name, xml);
  }
  unregisterScheduledTask(name: string): Promise<boolean> {
    return this.tasks.unregister(name);
  }
  getScheduledTask(name: string): Promise<string | undefined> {
    return this.tasks.get(name);
  }

  getVolumeSpace(path: string): Promise<VolumeSpace | undefined> {
    return this.files.volumeSpace(path);
  }
  isElevated(): Promise<boolean> {
    return this.accounts.isElevated();
  }
  async writeEventLog(entry: EventLogEntry): Promise<void> {
    const e = checkEventLogEntry(entry);
    const args = ['/L', 'APPLICATION', '/T', e.type.toUpperCase(), '/SO', e.source, '/ID', String(e.eventId), '/D', e.message];
    const result = await this.runner.run(this.eventcreateExe, args, { timeoutMs: this.commandTimeoutMs });
    if (result.exitCode !== 0) {
      throw new CoreError(
        'EventLogWriteFailed',
        `eventcreate.exe could not write to the Application event log of ${this.computerName} (exit code ${result.exitCode}): ` +
          `${(result.stderr || result.stdout).trim()}`,
        e.source,
      );
    }
  }

  getLocalGroupMembers(group: string): Promise<string[] | undefined> {
    return this.accounts.getLocalGroupMembers(group);
  }
}
