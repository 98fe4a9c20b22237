/**
 * The lab adapter of the Host port: a simulated Windows server in a folder (layout in README.md).
 * Files map to `<server>/<drive>/...` case-insensitively; the registry is `registry.reg` (regedit format, both
 * views); services and the Windows Installer database are in `server.json`; installers are simulated from the
 * real MSI databases found at the given lab path (installers/).
 */
import { lstat, mkdir, readdir, readFile, rm, statfs } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { MACHINE_ID_KEY, MACHINE_ID_VALUE } from '../machine-id';
import type {
  DirectoryEntry,
  EventLogEntry,
  FileStat,
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
import { CoreError } from '../../util/errors';
import { RegistryTree, decodeRegFileBytes, encodeRegFileText, exportRegistrySubtree, toRegFilePath } from '../registry-file';
import { resolveLabPath } from './lab-paths';
import { checkEventLogEntry } from '../event-log';
import { checkRegistryValue } from '../registry-value';
import { writePoint } from '../../util/write-points';
import { LabInstallerBusy, LabTransaction, rollBackInterrupted } from './lab-transaction';
import { isSuccessCode } from './installers/faults';
import { directoryNotFound, hostFileError } from '../file-errors';
import { closeToThisAccount } from '../local-folder-access';
import { LAB_FILES_LEDGER, recordLabWrite } from './lab-files';
import { windowsParent } from '../../util/windows-path';
import { readLocalFileRange } from '../file-range';
import { writeFileAtomic as writeLocalFileAtomic } from '../../util/atomic-write';
import { REGISTRY_FILE, SERVER_FILE, readServerConfig, writeServerConfig, type LabServerConfig } from './server-file';
import { runLabMsiexec } from './installers/msiexec';
import { runLabSetup } from './installers/server-setup';
import type { LabMachine } from './installers/lab-machine';
import { applyRegistryFaults, faultFreeSpace } from './readiness-faults';
import { checkTaskXml, decodeTaskFile, encodeTaskFile, labTaskFile } from './lab-tasks';

export class LabHost implements LabMachine {
  readonly kind = 'lab' as const;

  private constructor(
    /** The server folder on the machine running the core. */
    readonly folder: string,
    readonly computerName: string,
    readonly dnsName: string,
    readonly is64Bit: boolean,
  ) {}

  /** State-changing operations run one at a time (read-modify-write of registry.reg and server.json). */
  private queue: Promise<unknown> = Promise.resolve();

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** A lab's programs (its scheduled task) run on this machine, with the module the admin runs. */
  readonly deployedModuleManifest = null;

  /** The server folder: the one way to find a lab's folder from its host (Host.labFolder). */
  get labFolder(): string {
    return this.folder;
  }

  get address(): HostAddress {
    return { computerName: this.computerName, labPath: this.folder };
  }

  /** An installer run here that a killed process left half done is rolled back first (lab-transaction.ts). */
  static async open(serverFolder: string): Promise<LabHost> {
    const config = await readServerConfig(serverFolder);
    await rollBackInterrupted(serverFolder);
    const lab = new LabHost(serverFolder, config.computerName, config.dnsName, config.is64Bit);
    await lab.ensureMachineId();
    return lab;
  }

  /**
   * Every Windows server has a MachineGuid; a lab made before labs had one gets its own the first time it is opened,
   * so that a journal can tell this lab from another with the same computer name.
   */
  private async ensureMachineId(): Promise<void> {
    if (!existsSync(join(this.folder, REGISTRY_FILE))) return;
    const key = await this.getRegistryKey(MACHINE_ID_KEY, '64');
    if (key?.values.some((v) => v.name.toLowerCase() === MACHINE_ID_VALUE.toLowerCase())) return;
    await this.setRegistryValue(MACHINE_ID_KEY, '64', { name: MACHINE_ID_VALUE, type: 'REG_SZ', data: randomUUID() });
  }

  // ── server.json ──
  readConfig(): Promise<LabServerConfig> {
    return readServerConfig(this.folder);
  }

  async writeConfig(config: LabServerConfig): Promise<void> {
    await this.tx?.before(join(this.folder, SERVER_FILE));
    await writeServerConfig(this.folder, config);
  }

  /** The installer run in progress: every change below records its undo first. */
  private tx: LabTransaction | undefined;

  /**
   * Runs a simulated installation or removal as Windows Installer does: whole or not at all (lab-transaction.ts).
   * A success code commits; any other code or an error rolls back. Another run in progress answers 1618.
   */
  async asTransaction(work: () => Promise<number>): Promise<number> {
    let tx: LabTransaction;
    try {
      tx = await LabTransaction.begin(this.folder);
    } catch (e) {
      if (e instanceof LabInstallerBusy) return 1618;
      throw e;
    }
    this.tx = tx;
    try {
      const code = await work();
      this.tx = undefined;
      if (isSuccessCode(code)) await tx.commit();
      else await tx.rollBack();
      return code;
    } catch (e) {
      this.tx = undefined;
      await tx.rollBack();
      throw e;
    } finally {
      this.tx = undefined;
      tx.end();
    }
  }

  // ── files ──
  localPath(path: string): string {
    return resolveLabPath(this.folder, path);
  }

  async stat(path: string): Promise<FileStat | undefined> {
    try {
      const s = await lstat(this.localPath(path));
      return { size: s.isDirectory() ? 0 : s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  }

  async readFile(path: string): Promise<Buffer> {
    try {
      return await readFile(this.localPath(path));
    } catch (e) {
      throw hostFileError(e, path, 'read', this.computerName);
    }
  }

  readFileRange(path: string, offset: number, length: number): Promise<Buffer> {
    return readLocalFileRange(this.localPath(path), path, offset, length, this.computerName);
  }

  /**
   * As on Windows: the folder must exist (DirectoryNotFound naming it; nothing is created), a folder at the path is
   * AccessDenied. Code that simulates an installer creates its folders first, as Windows Installer does.
   */
  async writeFileAtomic(path: string, data: Buffer): Promise<void> {
    const local = this.localPath(path);
    const parent = await lstat(dirname(local)).catch(() => undefined);
    if (!parent?.isDirectory()) throw directoryNotFound(windowsParent(path), this.computerName, path);
    if (!isDirectory(local)) await this.tx?.before(local);
    // What the simulated server writes is the lab's (New-MfaLab -Force, lab-files.ts); an installer rolled back forgets it.
    const ledger = join(this.folder, LAB_FILES_LEDGER);
    if (existsSync(ledger)) await this.tx?.before(ledger);
    try {
      await writeLocalFileAtomic(local, data);
      recordLabWrite(this.folder, local, data);
    } catch (e) {
      // util/atomic-write names the local file; the error names the Windows path.
      throw hostFileError(isDirectory(local) ? { code: 'EISDIR' } : errnoOf(e), path, 'write', this.computerName);
    }
  }

  /**
   * What a simulated program (an installer, Task Scheduler, New-MfaLab) does to put a file down: it creates the
   * folders it needs, then writes. Not part of the port: code that goes through Host makes its folders itself.
   */
  async placeFile(path: string, data: Buffer): Promise<void> {
    await this.makeDirectory(windowsParent(path));
    await this.writeFileAtomic(path, data);
  }

  async listDirectory(path: string): Promise<DirectoryEntry[]> {
    try {
      const entries = await readdir(this.localPath(path), { withFileTypes: true });
      return entries
        .filter((e) => !(e.name.startsWith('.') && e.name.endsWith('.tmp')))
        .map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (e) {
      throw hostFileError(e, path, 'list', this.computerName);
    }
  }

  /** Creates missing parents too (as `mkdir` and New-Item -Force do); a file in the way is NotADirectory. */
  async makeDirectory(path: string): Promise<void> {
    const local = this.localPath(path);
    try {
      if (!isDirectory(local)) {
        await this.tx?.before(local);
        writePoint(`mkdir ${local}`);
      }
      await mkdir(local, { recursive: true });
    } catch (e) {
      throw hostFileError(e, path, 'makeDirectory', this.computerName);
    }
  }

  /**
   * The lab's machine is a folder tree: this account's, all of it, and owner-only (0700), as the Windows adapter's icacls
   * gives Administrators ownership and leaves them alone with SYSTEM.
   */
  async closeFolder(path: string): Promise<void> {
    const local = this.localPath(path);
    if (!isDirectory(local)) throw new CoreError('DirectoryNotFound', `The folder ${path} does not exist on ${this.computerName}.`, path);
    try {
      await closeToThisAccount(local);
    } catch (e) {
      const why = (e as Error).message;
      throw new CoreError('FolderNotProtected', `The folder ${path} on ${this.computerName} could not be closed to other accounts: ${why}`, path);
    }
  }

  /** Removes a file or a folder tree; a missing path is not an error. */
  async removePath(path: string): Promise<void> {
    const local = this.localPath(path);
    try {
      if (existsSync(local)) {
        await this.tx?.before(local);
        writePoint(`remove ${local}`);
      }
      await rm(local, { recursive: true, force: true });
    } catch (e) {
      throw hostFileError(e, path, 'remove', this.computerName);
    }
  }

  // ── registry ──
  private get registryFile(): string {
    return join(this.folder, REGISTRY_FILE);
  }

  async loadRegistry(): Promise<RegistryTree> {
    if (!existsSync(this.registryFile)) return new RegistryTree();
    return RegistryTree.parse(decodeRegFileBytes(await readFile(this.registryFile)), this.registryFile);
  }

  async saveRegistry(tree: RegistryTree): Promise<void> {
    await this.tx?.before(this.registryFile);
    await writeLocalFileAtomic(this.registryFile, encodeRegFileText(tree.format()));
  }

  regPath(key: string, view: RegistryView): string {
    return toRegFilePath(key, view, this.is64Bit);
  }

  /** The registry as reads see it: registry.reg with server.json's readiness faults laid over (readiness-faults.ts). */
  private async readRegistry(): Promise<RegistryTree> {
    const [tree, config] = await Promise.all([this.loadRegistry(), this.readConfig()]);
    return applyRegistryFaults(tree, config.faults, (key, view) => this.regPath(key, view), this.is64Bit);
  }

  async getRegistryKey(key: string, view: RegistryView): Promise<RegistryKey | undefined> {
    const tree = await this.readRegistry();
    const path = this.regPath(key, view);
    const rec = tree.getKey(path);
    if (!rec) return undefined;
    return { path: key, values: rec.values.map((v) => ({ ...v })), subkeys: tree.subkeyNames(path) };
  }

  async setRegistryValue(key: string, view: RegistryView, value: RegistryValue): Promise<void> {
    checkRegistryValue(value);
    return this.serial(async () => {
      const tree = await this.loadRegistry();
      tree.setValue(this.regPath(key, view), value);
      await this.saveRegistry(tree);
    });
  }

  /** Deletes the key and its subtree; a missing key is not an error. */
  deleteRegistryKey(key: string, view: RegistryView): Promise<void> {
    return this.serial(async () => {
      const tree = await this.loadRegistry();
      if (tree.deleteKey(this.regPath(key, view))) await this.saveRegistry(tree);
    });
  }

  async exportRegistryKey(key: string, view: RegistryView): Promise<string> {
    const tree = await this.readRegistry();
    const path = this.regPath(key, view);
    if (!tree.getKey(path)) {
      throw new CoreError('RegistryKeyNotFound', `The registry key ${key} (${view}-bit view) does not exist on ${this.computerName}.`, key);
    }
    return exportRegistrySubtree(tree, path);
  }

  // ── services ──
  async listServices(): Promise<ServiceInfo[]> {
    const config = await this.readConfig();
    return Object.entries(config.services).map(([name, s]) => ({ name, ...s }));
  }

  async getService(name: string): Promise<ServiceInfo | undefined> {
    return (await this.listServices()).find((s) => s.name.toLowerCase() === name.toLowerCase());
  }

  async stopService(name: string): Promise<void> {
    await this.setServiceState(name, 'Stopped');
  }

  async startService(name: string): Promise<void> {
    await this.setServiceState(name, 'Running');
  }

  private setServiceState(name: string, state: 'Running' | 'Stopped'): Promise<void> {
    return this.serial(() => this.setServiceStateNow(name, state));
  }

  private async setServiceStateNow(name: string, state: 'Running' | 'Stopped'): Promise<void> {
    const config = await this.readConfig();
    const key = Object.keys(config.services).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!key) throw new CoreError('ServiceNotFound', `There is no service named ${name} on ${this.computerName}.`, name);
    if (state === 'Running' && config.services[key].startType === 'Disabled') {
      throw new CoreError('ServiceDisabled', `The service ${key} on ${this.computerName} is disabled and cannot be started.`, key);
    }
    config.services[key].state = state;
    await this.writeConfig(config);
  }

  // ── Windows Installer ──
  runMsiexec(request: MsiexecRequest): Promise<MsiexecResult> {
    return this.serial(() => runLabMsiexec(this, request));
  }

  runSetup(request: SetupRequest): Promise<MsiexecResult> {
    return this.serial(() => runLabSetup(this, request));
  }

  // ── Task Scheduler (lab-tasks.ts: files under C:\Windows\System32\Tasks) ──
  async registerScheduledTask(name: string, xml: string): Promise<void> {
    const file = labTaskFile(name);
    checkTaskXml(name, xml);
    await this.serial(() => this.placeFile(file, encodeTaskFile(xml)));
  }

  async unregisterScheduledTask(name: string): Promise<boolean> {
    const file = labTaskFile(name);
    return await this.serial(async () => {
      if (!(await this.stat(file))) return false;
      await this.removePath(file);
      return true;
    });
  }

  async getScheduledTask(name: string): Promise<string | undefined> {
    const file = labTaskFile(name);
    const found = await this.stat(file);
    if (!found || found.isDirectory) return undefined;
    return decodeTaskFile(await this.readFile(file));
  }

  // ── readiness ──
  /**
   * A drive exists when its folder does (C/, D/). Its space is the real space of the disk the lab lives on (a lab is
   * never roomier than the machine holding it), unless server.json's faults.freeSpace sets the free bytes.
   */
  async getVolumeSpace(path: string): Promise<VolumeSpace | undefined> {
    const drive = /^([A-Za-z]):/.exec(path)?.[1]?.toUpperCase();
    if (!drive) throw new CoreError('LabPathOutside', `${path} is not a Windows drive path; a lab server only has drive paths.`, path);
    const folder = join(this.folder, drive);
    if (!existsSync(folder)) return undefined;
    const s = await statfs(folder);
    const real = { root: `${drive}:\\`, freeBytes: Number(s.bavail) * Number(s.bsize), totalBytes: Number(s.blocks) * Number(s.bsize) };
    const injected = faultFreeSpace((await this.readConfig()).faults, drive);
    return injected === undefined ? real : { ...real, freeBytes: injected };
  }

  async isElevated(): Promise<boolean> {
    return (await this.readConfig()).faults?.notElevated !== true;
  }

  async getLocalGroupMembers(group: string): Promise<string[] | undefined> {
    const groups = (await this.readConfig()).localGroups ?? {};
    const name = Object.keys(groups).find((g) => g.toLowerCase() === group.toLowerCase());
    return name === undefined ? undefined : [...groups[name]];
  }

  // ── monitoring: the lab's Application event log is a file a test (or an admin) reads ──
  async writeEventLog(entry: EventLogEntry): Promise<void> {
    const line = JSON.stringify({ time: new Date().toISOString(), log: 'Application', ...checkEventLogEntry(entry) }) + '\n';
    await this.serial(async () => {
      const existing = (await this.stat(LAB_EVENT_LOG)) ? await this.readFile(LAB_EVENT_LOG) : Buffer.alloc(0);
      await this.placeFile(LAB_EVENT_LOG, Buffer.concat([existing, Buffer.from(line, 'utf8')]));
    });
  }
}

/** Where a lab keeps its Application event log (beside the tool's logs, so a lab's end state leaves it out as it does them). */
export const LAB_EVENT_LOG = 'C:\\Windows\\Logs\\MfaLab\\Application-events.log';

function isDirectory(local: string): boolean {
  try {
    return statSync(local).isDirectory();
  } catch {
    return false;
  }
}

/** The errno behind util/atomic-write's error (it maps errno to its own codes), for hostFileError. */
function errnoOf(e: unknown): unknown {
  if (!(e instanceof CoreError)) return e;
  const known: Record<string, string> = { AccessDenied: 'EACCES', FileNotFound: 'ENOENT' };
  const errno = known[e.code] ?? (e.details.errno as string | undefined);
  return errno ? { code: errno } : e;
}
