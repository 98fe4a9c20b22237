/**
 * server.json: what a lab server is (name, bitness), its services, the products Windows Installer "installed"
 * on it (with the files, IIS application and services each one owns, so an uninstall removes exactly those),
 * and optional faults that tests inject into the simulated installers. Format documented in README.md.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryView, ServiceInfo } from '../host';
import type { ComponentName } from '../../domain/catalog';
import { CoreError } from '../../util/errors';
import { writeFileAtomic } from '../../util/atomic-write';

export const SERVER_FILE = 'server.json';
export const REGISTRY_FILE = 'registry.reg';
export const LAB_FILE = 'lab.json';

export type LabServiceRecord = Omit<ServiceInfo, 'name'>;

export interface InstalledProductRecord {
  component: ComponentName;
  productName: string;
  version: string;
  publisher: string;
  platform: 'x86' | 'x64';
  /** Registry view holding its Uninstall key ('32' for an x86 product on 64-bit Windows). */
  registryView: RegistryView;
  installLocation?: string;
  /** Windows paths of the files it installed; an uninstall removes these and nothing else. */
  files: string[];
  /** Folders it created; removed on uninstall only when empty (as Windows Installer does). Deepest last. */
  directories?: string[];
  /** For web components: the IIS application it created. */
  site?: string;
  virtualDirectory?: string;
  physicalPath?: string;
  /** Services it registered; removed on uninstall. */
  services?: string[];
  /** Registry keys it owns (removed on uninstall), besides its Uninstall key. */
  registryKeys?: { key: string; view: RegistryView }[];
}

/** One injected fault: the next `times` matching runs (all when omitted) exit with `exitCode`. */
export interface LabFaultRule {
  /** Case-insensitive text searched in the run's package path, product code, product name and component. */
  match?: string;
  exitCode: number;
  times?: number;
}

/** The pending-restart and busy-installer indicators a lab can show (each is a registry key or value on Windows). */
export type LabPendingIndicator = 'ComponentBasedServicing' | 'WindowsUpdate' | 'PendingFileRenameOperations' | 'InstallerInProgress';

export interface LabFaults {
  msiexec?: LabFaultRule[];
  setup?: LabFaultRule[];
  /** Free bytes reported for a drive ("C:": 1048576) instead of the real free space of the disk the lab lives on. */
  freeSpace?: Record<string, number>;
  /** Registry indicators that show up in every read of the registry (registry.reg itself is not changed). */
  pendingRestart?: LabPendingIndicator[];
  /** Installed products hidden from every read of the Uninstall keys: text searched in DisplayName, case-insensitively. */
  missingProducts?: string[];
  /** The core does not run elevated (a member of Administrators without "Run as administrator"). */
  notElevated?: boolean;
  /**
   * MFA Server asks for activation after its setup and cannot get it: its service stays stopped (the run pauses at its
   * activation step, and again on every -Resume).
   */
  activationRequired?: boolean;
}

export interface LabServerConfig {
  computerName: string;
  dnsName: string;
  is64Bit: boolean;
  services: Record<string, LabServiceRecord>;
  /** Keyed by ProductCode ({GUID}, upper case). */
  installerDatabase: Record<string, InstalledProductRecord>;
  /** Local groups and their members (DOMAIN\\name), e.g. "PhoneFactor Admins". */
  localGroups?: Record<string, string[]>;
  faults?: LabFaults;
}

export async function readServerConfig(serverFolder: string): Promise<LabServerConfig> {
  const file = join(serverFolder, SERVER_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new CoreError('NotALab', `${serverFolder} is not a lab server: it has no ${SERVER_FILE}.`, serverFolder);
  }
  let config: LabServerConfig;
  try {
    config = JSON.parse(text.replace(/^\uFEFF/, '')) as LabServerConfig;
  } catch (e) {
    throw new CoreError('LabServerFileMalformed', `${file} is not valid JSON: ${(e as Error).message}`, file);
  }
  if (typeof config?.computerName !== 'string' || typeof config.is64Bit !== 'boolean') {
    throw new CoreError('LabServerFileMalformed', `${file} must have computerName (text) and is64Bit (true/false).`, file);
  }
  config.services ??= {};
  config.installerDatabase ??= {};
  config.dnsName ??= config.computerName.toLowerCase();
  return config;
}

export async function writeServerConfig(serverFolder: string, config: LabServerConfig): Promise<void> {
  await writeFileAtomic(join(serverFolder, SERVER_FILE), JSON.stringify(config, null, 2) + '\n');
}
