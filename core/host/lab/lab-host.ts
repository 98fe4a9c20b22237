/**
 * The lab adapter of the Host port: a simulated Windows server in a folder (layout in README.md).
 * Files map to `<server>/<drive>/...` case-insensitively; the registry is `registry.reg` (regedit format, both
 * views); services and the Windows Installer database are in `server.json`; installers are simulated from the
 * real MSI databases found at the given lab path (installers/).
 */
import { lstat, mkdir, readdir, readFile, rm, statfs } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type {
  DirectoryEntry,
  FileStat,
  Host,
  MsiexecRequest,
  MsiexecResult,
  RegistryKey,
  RegistryValue,
  RegistryView,
  ServiceInfo,
  SetupRequest,
  VolumeSpace,
} from '../host';
import { CoreError, type ErrorCode } from '../../util/errors';
import { RegistryTree, decodeRegFileBytes, encodeRegFileText, exportRegistrySubtree, toRegFilePath } from '../registry-file';
import { resolveLabPath } from './lab-paths';
import { writeFileAtomic as writeLocalFileAtomic } from '../../util/atomic-write';
import { REGISTRY_FILE, readServerConfig, writeServerConfig, type LabServerConfig } from './server-file';
import { runLabMsiexec } from './installers/msiexec';
import { runLabSetup } from './installers/server-setup';
import { applyRegistryFaults, faultFreeSpace } from './readiness-faults';
import { checkTaskXml, decodeTaskFile, encodeTaskFile, labTaskFile } from './lab-tasks';

export class LabHost implements Host {
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

  static async open(serverFolder: string): Promise<LabHost> {
    const config = await readServerConfig(serverFolder);
    return new LabHost(serverFolder, config.computerName, config.dnsName, config.is64Bit);
  }

  // ── server.json ──
  readConfig(): Promise<LabServerConfig> {
    return readServerConfig(this.folder);
  }

  writeConfig(config: LabServerConfig): Promise<void> {
    return writeServerConfig(this.folder, config);
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
      throw notFoundOr(e, path, 'FileNotFound', `The file ${path} does not exist on ${this.computerName}.`);
    }
  }

  /** Parent folders are created as needed. */
  async writeFileAtomic(path: string, data: Buffer): Promise<void> {
    await writeLocalFileAtomic(this.localPath(path), data, { createFolder: true });
  }

  async listDirectory(path: string): Promise<DirectoryEntry[]> {
    try {
      const entries = await readdir(this.localPath(path), { withFileTypes: true });
      return entries
        .filter((e) => !(e.name.startsWith('.') && e.name.endsWith('.tmp')))
        .map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
    } catch (e) {
      throw notFoundOr(e, path, 'DirectoryNotFound', `The folder ${path} does not exist on ${this.computerName}.`);
    }
  }

  async makeDirectory(path: string): Promise<void> {
    await mkdir(this.localPath(path), { recursive: true });
  }

  /** Removes a file or a folder tree; a missing path is not an error. */
  async removePath(path: string): Promise<void> {
    await rm(this.localPath(path), { recursive: true, force: true });
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

  setRegistryValue(key: string, view: RegistryView, value: RegistryValue): Promise<void> {
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
    await this.serial(() => this.writeFileAtomic(file, encodeTaskFile(xml)));
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
}

function notFoundOr(e: unknown, path: string, code: ErrorCode, message: string): unknown {
  const errno = (e as NodeJS.ErrnoException).code;
  if (errno === 'ENOENT' || errno === 'ENOTDIR') return new CoreError(code, message, path);
  return e;
}