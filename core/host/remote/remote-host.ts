/**
 * What a RemoteHost needs of the channel to its far machine: a PowerShell session (RemoteConnection) in production,
 * a pipe to a core under Wine in the tests. Narrow on purpose, so a test channel is checked by the compiler, not cast.
 */
export type HostChannel = Pick<RemoteConnection, 'name' | 'farRoot' | 'call' | 'fetchFile' | 'sendFile'>;

/**
 * The remote adapter of the Host port: every method runs on the target through a RemoteConnection, by the module's
 * own core there (host-call). The same adapter serves a real Windows server and a lab that lives on the far machine.
 * Files cross the session hashed on both ends; large ones travel with Copy-Item -FromSession / -ToSession.
 */
import { randomUUID } from 'node:crypto';
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
import { CoreError } from '../../util/errors';
import { redactor } from '../../util/secrets';
import type { RemoteConnection } from './remote-connection';
import { checkRange } from '../file-range';
import {
  INLINE_FILE_LIMIT,
  TransferMismatchError,
  encodeArgs,
  fromWireBytes,
  isWireBytes,
  isWireStagedFile,
  sha256,
  type FarIdentity,
  type FarTarget,
  type HostMethod,
  type ProcedureAnswer,
  type RemoteMethod,
} from './host-rpc';

export class RemoteHost<C extends HostChannel = RemoteConnection> implements Host {
  readonly kind = 'remote' as const;
  /** A lab on the far machine is not a lab here: its Windows paths resolve there. */
  readonly labFolder = null;
  /** The module copy this tool keeps on the far machine (module-deploy.ts): what a task there imports. */
  readonly deployedModuleManifest: string;
  readonly computerName: string;
  readonly dnsName?: string;
  readonly is64Bit: boolean;

  constructor(
    readonly connection: C,
    /** Which host on the far machine: the machine itself, or a lab server there. */
    readonly farTarget: FarTarget,
    private readonly identity: FarIdentity,
  ) {
    this.computerName = identity.computerName;
    this.dnsName = identity.dnsName ?? undefined;
    this.is64Bit = identity.is64Bit;
    const root = connection.farRoot;
    this.deployedModuleManifest = `${root}${root.includes('\\') ? '\\' : '/'}MfaServerUpgrade.psd1`;
  }

  /** For a lab server on the far machine: its server folder there; null for the far machine itself. */
  get farLabPath(): string | null {
    return this.identity.labPath ?? null;
  }

  get address(): HostAddress {
    return { computerName: this.remoteName, labPath: this.farLabPath };
  }

  /** The name the session was opened with (what the admin typed after -ComputerName). */
  get remoteName(): string {
    return this.connection.name;
  }

  private invoke(method: RemoteMethod, ...args: unknown[]): Promise<unknown> {
    return this.connection.call({ target: this.farTarget, method, args: encodeArgs(args) });
  }

  /**
   * A registered read-only procedure (far-procedures.ts) run on the far core in one round trip; the secret values it
   * learned there are taught to this core's redactor, as reading the files here would have.
   */
  async runProcedure(name: string, args: unknown[]): Promise<unknown> {
    const answer = (await this.invoke('runProcedure', name, ...args)) as ProcedureAnswer | null;
    if (answer === null || typeof answer !== 'object' || !Array.isArray(answer.secrets)) {
      throw new CoreError('RemoteProtocolError', `[${this.remoteName}] The server answered ${name} with no result.`, this.remoteName);
    }
    for (const secret of answer.secrets) redactor.register(String(secret));
    return answer.value;
  }

  /** Methods whose "not there" answer is undefined (null on the wire). */
  private async maybe<T>(method: HostMethod, ...args: unknown[]): Promise<T | undefined> {
    const v = await this.invoke(method, ...args);
    return v === null ? undefined : (v as T);
  }

  private async plain<T>(method: HostMethod, ...args: unknown[]): Promise<T> {
    return (await this.invoke(method, ...args)) as T;
  }

  // ── files ──
  localPath(): string | undefined {
    return undefined;
  }

  stat(path: string): Promise<FileStat | undefined> {
    return this.maybe('stat', path);
  }

  async readFile(path: string): Promise<Buffer> {
    const v = await this.invoke('readFile', path);
    if (isWireStagedFile(v)) return this.connection.fetchFile(v.$farPath, v.sha256, path);
    return this.bytesOf(v, 'readFile', path);
  }

  async readFileRange(path: string, offset: number, length: number): Promise<Buffer> {
    checkRange(path, offset, length);
    return this.bytesOf(await this.invoke('readFileRange', path, offset, length), 'readFileRange', path);
  }

  /** File content that crossed the session inline, refused unless it hashes to what the far side computed. */
  private bytesOf(v: unknown, method: HostMethod, path: string): Buffer {
    if (!isWireBytes(v)) throw new CoreError('RemoteProtocolError', `[${this.remoteName}] The server answered ${method}(${path}) with no file content.`, path);
    try {
      return fromWireBytes(v, path);
    } catch (e) {
      if (e instanceof TransferMismatchError) throw new CoreError('TransferCorrupted', `[${this.remoteName}] ${e.message}`, path);
      throw e;
    }
  }

  async writeFileAtomic(path: string, data: Buffer): Promise<void> {
    if (data.length <= INLINE_FILE_LIMIT) {
      await this.invoke('writeFileAtomic', path, data);
      return;
    }
    // Large: copy to the target's staging folder over the session, then the target checks the hash and moves it in.
    const folder = this.identity.stagingFolder;
    const separator = folder.includes('\\') ? '\\' : '/';
    const staged = `${folder.replace(/[\\/]+$/, '')}${separator}mfa-stage-${randomUUID()}`;
    await this.connection.sendFile(data, staged, path);
    await this.invoke('stageWrite', path, staged, sha256(data));
  }

  listDirectory(path: string): Promise<DirectoryEntry[]> {
    return this.plain('listDirectory', path);
  }

  async makeDirectory(path: string): Promise<void> {
    await this.invoke('makeDirectory', path);
  }  async closeFolder(path: string): Promise<void> {
    await this.invoke('closeFolder', path);
  }


  async removePath(path: string): Promise<void> {
    await this.invoke('removePath', path);
  }

  // ── registry ──
  getRegistryKey(key: string, view: RegistryView): Promise<RegistryKey | undefined> {
    return this.maybe('getRegistryKey', key, view);
  }

  async setRegistryValue(key: string, view: RegistryView, value: RegistryValue): Promise<void> {
    await this.invoke('setRegistryValue', key, view, value);
  }

  async deleteRegistryKey(key: string, view: RegistryView): Promise<void> {
    await this.invoke('deleteRegistryKey', key, view);
  }

  exportRegistryKey(key: string, view: RegistryView): Promise<string> {
    return this.plain('exportRegistryKey', key, view);
  }

  // ── services ──
  getService(name: string): Promise<ServiceInfo | undefined> {
    return this.maybe('getService', name);
  }

  listServices(): Promise<ServiceInfo[]> {
    return this.plain('listServices');
  }

  async stopService(name: string): Promise<void> {
    await this.invoke('stopService', name);
  }

  async startService(name: string): Promise<void> {
    await this.invoke('startService', name);
  }

  // ── Windows Installer ──
  runMsiexec(request: MsiexecRequest): Promise<MsiexecResult> {
    return this.plain('runMsiexec', request);
  }

  runSetup(request: SetupRequest): Promise<MsiexecResult> {
    return this.plain('runSetup', request);
  }

  // ── Task Scheduler ──
  async registerScheduledTask(name: string, xml: string): Promise<void> {
    await this.invoke('registerScheduledTask', name, xml);
  }

  unregisterScheduledTask(name: string): Promise<boolean> {
    return this.plain('unregisterScheduledTask', name);
  }

  getScheduledTask(name: string): Promise<string | undefined> {
    return this.maybe('getScheduledTask', name);
  }

  // ── readiness ──
  getVolumeSpace(path: string): Promise<VolumeSpace | undefined> {
    return this.maybe('getVolumeSpace', path);
  }

  isElevated(): Promise<boolean> {
    return this.plain('isElevated');
  }

  async writeEventLog(entry: EventLogEntry): Promise<void> {
    await this.invoke('writeEventLog', entry);
  }

  getLocalGroupMembers(group: string): Promise<string[] | undefined> {
    return this.maybe('getLocalGroupMembers', group);
  }
}
