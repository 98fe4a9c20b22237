/**
 * A minimal Host stand-in for the backup tests: Windows paths such as `C:\x\y` live under `<root>/C/x/y`.
 * Only files and services are implemented; everything else throws. `remote: true` hides localPath so the
 * remote code paths (host.readFile / host.writeFileAtomic) are exercised.
 */
import { promises as fs } from 'node:fs';
import type { DirectoryEntry, FileStat, Host, HostAddress, ServiceInfo } from '../../../core/host/host';
import { resolveLabPath } from '../../../core/host/lab/lab-paths';
import { hostFileError } from '../../../core/host/file-errors';
import { readLocalFileRange } from '../../../core/host/file-range';
import { CoreError } from '../../../core/util/errors';

export class LocalFolderHost implements Host {
  readonly kind: Host['kind'];
  readonly is64Bit = true;
  readonly services = new Map<string, ServiceInfo>();
  readonly serviceLog: string[] = [];
  failStart = false;

  constructor(
    readonly root: string,
    readonly computerName = 'PFSRV01',
    private readonly remote = false,
  ) {
    this.kind = remote ? 'remote' : 'lab';
  }

  /** The real path of a Windows path (names matched case-insensitively, as NTFS does); also for the "remote" flavour. */
  real(windowsPath: string): string {
    if (!/^[A-Za-z]:/.test(windowsPath)) throw new Error(`not a Windows path: ${windowsPath}`);
    return resolveLabPath(this.root, windowsPath);
  }

  readonly deployedModuleManifest = null;

  get labFolder(): string | null {
    return this.remote ? null : this.root;
  }

  get address(): HostAddress {
    return { computerName: this.computerName, labPath: this.labFolder };
  }

  localPath(p: string): string | undefined {
    return this.remote ? undefined : this.real(p);
  }

  // The file methods keep the Host contract (core/host/host.ts; test/host-contract holds them to it): a stand-in
  // kinder than Windows would let the backup tests pass code that fails on a server.
  async stat(p: string): Promise<FileStat | undefined> {
    const s = await fs.stat(this.real(p)).catch(() => undefined);
    return s && { size: s.isDirectory() ? 0 : s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
  }
  async readFile(p: string): Promise<Buffer> {
    return fs.readFile(this.real(p)).catch((e) => {
      throw hostFileError(e, p, 'read', this.computerName);
    });
  }
  readFileRange(p: string, offset: number, length: number): Promise<Buffer> {
    return readLocalFileRange(this.real(p), p, offset, length, this.computerName);
  }
  async writeFileAtomic(p: string, data: Buffer): Promise<void> {
    const target = this.real(p);
    if ((await this.stat(p))?.isDirectory) throw hostFileError({ code: 'EISDIR' }, p, 'write', this.computerName);
    const temp = target + '.tmp';
    await fs.writeFile(temp, data).catch((e) => {
      throw hostFileError(e, p, 'write', this.computerName);
    });
    await fs.rename(temp, target);
  }
  async listDirectory(p: string): Promise<DirectoryEntry[]> {
    const entries = await fs.readdir(this.real(p), { withFileTypes: true }).catch((e) => {
      throw hostFileError(e, p, 'list', this.computerName);
    });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  }
  async makeDirectory(p: string): Promise<void> {
    await fs.mkdir(this.real(p), { recursive: true }).catch((e) => {
      throw hostFileError(e, p, 'makeDirectory', this.computerName);
    });
  }
  removePath(p: string): Promise<void> {
    return fs.rm(this.real(p), { recursive: true, force: true });
  }
  async closeFolder(p: string): Promise<void> {
    const found = await fs.stat(this.real(p)).catch(() => undefined);
    if (!found?.isDirectory()) throw new CoreError('DirectoryNotFound', `The folder ${p} does not exist on ${this.computerName}.`, p);
    await fs.chmod(this.real(p), 0o700);
  }

  private service(name: string): ServiceInfo {
    const found = [...this.services.values()].find((s) => s.name.toLowerCase() === name.toLowerCase());
    if (!found) throw new CoreError('ServiceNotFound', `There is no service named ${name} on ${this.computerName}.`, name);
    return found;
  }
  async getService(name: string): Promise<ServiceInfo | undefined> {
    return [...this.services.values()].find((s) => s.name.toLowerCase() === name.toLowerCase());
  }
  async listServices(): Promise<ServiceInfo[]> {
    return [...this.services.values()];
  }
  async stopService(name: string): Promise<void> {
    this.serviceLog.push(`stop ${name}`);
    this.service(name).state = 'Stopped';
  }
  async startService(name: string): Promise<void> {
    this.serviceLog.push(`start ${name}`);
    const service = this.service(name);
    if (service.startType === 'Disabled') throw new CoreError('ServiceDisabled', `The service ${service.name} is disabled.`, service.name);
    if (this.failStart) throw new Error('the service did not start');
    service.state = 'Running';
  }

  getRegistryKey(): never {
    throw new Error('not used by backup tests');
  }
  setRegistryValue(): never {
    throw new Error('not used by backup tests');
  }
  deleteRegistryKey(): never {
    throw new Error('not used by backup tests');
  }
  exportRegistryKey(): never {
    throw new Error('not used by backup tests');
  }
  runMsiexec(): never {
    throw new Error('not used by backup tests');
  }
  runSetup(): never {
    throw new Error('not used by backup tests');
  }
  registerScheduledTask(): never {
    throw new Error('not used by backup tests');
  }
  unregisterScheduledTask(): never {
    throw new Error('not used by backup tests');
  }
  getScheduledTask(): never {
    throw new Error('not used by backup tests');
  }
  getVolumeSpace(): never {
    throw new Error('not used by backup tests');
  }
  isElevated(): never {
    throw new Error('not used by backup tests');
  }
  writeEventLog(): never {
    throw new Error('not used by backup tests');
  }
  getLocalGroupMembers(): never {
    throw new Error('not used by backup tests');
  }
}
