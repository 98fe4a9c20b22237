/**
 * A minimal Host stand-in for the backup tests: Windows paths such as `C:\x\y` live under `<root>/C/x/y`.
 * Only files and services are implemented; everything else throws. `remote: true` hides localPath so the
 * remote code paths (host.readFile / host.writeFileAtomic) are exercised.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DirectoryEntry, FileStat, Host, ServiceInfo } from '../../../core/host/host';

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

  /** The real path of a Windows path, also for the "remote" flavour (tests use it to arrange files). */
  real(windowsPath: string): string {
    const m = /^([A-Za-z]):[\\/]*(.*)$/.exec(windowsPath);
    if (!m) throw new Error(`not a Windows path: ${windowsPath}`);
    return path.join(this.root, m[1].toUpperCase(), ...m[2].split(/[\\/]+/).filter(Boolean));
  }

  localPath(p: string): string | undefined {
    return this.remote ? undefined : this.real(p);
  }

  async stat(p: string): Promise<FileStat | undefined> {
    const s = await fs.stat(this.real(p)).catch(() => undefined);
    return s && { size: s.size, mtimeMs: s.mtimeMs, isDirectory: s.isDirectory() };
  }
  readFile(p: string): Promise<Buffer> {
    return fs.readFile(this.real(p));
  }
  async writeFileAtomic(p: string, data: Buffer): Promise<void> {
    const temp = this.real(p) + '.tmp';
    await fs.writeFile(temp, data);
    await fs.rename(temp, this.real(p));
  }
  async listDirectory(p: string): Promise<DirectoryEntry[]> {
    const entries = await fs.readdir(this.real(p), { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  }
  async makeDirectory(p: string): Promise<void> {
    await fs.mkdir(this.real(p), { recursive: true });
  }
  removePath(p: string): Promise<void> {
    return fs.rm(this.real(p), { recursive: true, force: true });
  }

  async getService(name: string): Promise<ServiceInfo | undefined> {
    return this.services.get(name);
  }
  async listServices(): Promise<ServiceInfo[]> {
    return [...this.services.values()];
  }
  async stopService(name: string): Promise<void> {
    this.serviceLog.push(`stop ${name}`);
    this.services.get(name)!.state = 'Stopped';
  }
  async startService(name: string): Promise<void> {
    this.serviceLog.push(`start ${name}`);
    if (this.failStart) throw new Error('the service did not start');
    this.services.get(name)!.state = 'Running';
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
  getLocalGroupMembers(): never {
    throw new Error('not used by backup tests');
  }
}
