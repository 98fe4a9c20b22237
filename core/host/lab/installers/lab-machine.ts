/**
 * What the simulated installers need of a lab server: the Host port plus the lab's own state (server.json, the
 * registry file) and its all-or-nothing installer transaction. LabHost implements it and hands itself to the
 * installers, which therefore depend on this interface, not on LabHost (that would make the two import each other).
 */
import type { Host, RegistryView } from '../../host';
import type { RegistryTree } from '../../registry-file';
import type { LabServerConfig } from '../server-file';

export interface LabMachine extends Host {
  readConfig(): Promise<LabServerConfig>;
  writeConfig(config: LabServerConfig): Promise<void>;
  /** Runs a simulated installation or removal whole or not at all; another one in progress answers 1618. */
  asTransaction(work: () => Promise<number>): Promise<number>;
  /** The real path of a Windows path inside the lab (never undefined, unlike Host.localPath). */
  localPath(path: string): string;
  /** Writes a file as an installer does, creating its folders. */
  placeFile(path: string, data: Buffer): Promise<void>;
  loadRegistry(): Promise<RegistryTree>;
  saveRegistry(tree: RegistryTree): Promise<void>;
  /** The registry file's key path for a key in a view. */
  regPath(key: string, view: RegistryView): string;
}
