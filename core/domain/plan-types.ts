/** The shapes of Get-MfaUpgradePlan's input and output (the plan builder is core/domain/plan.ts). */
import type { ComponentName, WebComponentName } from './catalog';
import type { ServerInventory } from './inventory-types';

export type VirtualDirectoryNaming = 'New' | 'Legacy';

/**
 * Upgrade: the documented PhoneFactor → MFA Server upgrade, every web component back. Migrate: the same server upgrade
 * on the way to cloud Entra MFA; web components come back only where something still needs them, the old portal URL
 * redirects to Microsoft's registration page, and the follow-ups are the migration's steps.
 */
export type UpgradeGoal = 'Upgrade' | 'Migrate';
export const UPGRADE_GOALS: UpgradeGoal[] = ['Upgrade', 'Migrate'];

/** A file outside our own web components that calls the Web Service SDK (from the SDK-consumer inventory). */
export interface ForeignSdkConsumer {
  computerName: string;
  /** WebConfig, AdfsAdapter, MimSettings or File. */
  kind: string;
  file: string;
}

export interface PlanInput {
  /** One or more servers, as Get-PhoneFactorComponent reported them. */
  servers: ServerInventory[];
  /** Windows path of the MFA Server media folder on the MFA server. */
  installerPath: string;
  /** Legacy keeps the virtual directory names the inventory reported; New takes MFA Server's defaults. */
  naming: VirtualDirectoryNaming;
  /** Local folder (on each server) that receives the backups. */
  backupDestination: string;
  /** ProductVersion of the media's server installer (e.g. '8.1.1.1'); null when unknown. */
  newVersion: string | null;
  /** Per web component: the MSI property that sets the vdir, found in the MSI's Property table; null = none found. */
  vdirProperty: Partial<Record<WebComponentName, string | null>>;
  /** Absent: Upgrade. */
  goal?: UpgradeGoal;
  /** Migrate: the web components the admin keeps (-KeepWebComponent), whatever the inventory says. */
  keepWebComponents?: WebComponentName[];
  /** Migrate: the SDK's callers other than our own portal and mobile app web service (a caller keeps the SDK). */
  sdkConsumers?: ForeignSdkConsumer[];
  /** Other callers of the SDK whose URL the upgrade breaks (Get-MfaSdkConsumer's BrokenByRename), with what the rewrite can do. */
  consumers?: PlanConsumer[];
  /** What could not be judged while looking for them (a file that does not read): said with the plan's inferences. */
  consumerNotes?: string[];
}

export type ConsumerFileKind = 'WebConfig' | 'AdfsAdapter' | 'MimSettings' | 'File';

/** One setting of one file, on one server, that names the SDK's old URL. */
export interface PlanConsumer {
  computerName: string;
  kind: ConsumerFileKind;
  file: string;
  setting: string;
  oldUrl: string;
  newUrl: string;
  /** Why the file cannot be changed as text safely (the step is then Manual); null when the splice can do it. */
  unsafe: string | null;
  /** Where the file belongs (IIS site and application), for the step's text. */
  where?: string;
}

export type PlanAction =
  | 'Backup'
  | 'Uninstall'
  | 'InstallServer'
  | 'ConfirmActivation'
  | 'InstallComponent'
  | 'CopyInstaller'
  | 'MergeWebConfig'
  | 'RestoreThemes'
  | 'RewriteSdkConsumer'
  | 'WriteRedirect'
  | 'Verify';

export type PlanStepKind = 'Automatic' | 'Manual';

export type PlanParameterValue = string | boolean | null;

export interface PlanStep {
  Order: number;
  /** Stable and unique: `<ComputerName>:<action>[:<Component>]`, e.g. `MFA01:uninstall:UserPortal`. */
  Id: string;
  Action: PlanAction;
  Component: ComponentName | null;
  Kind: PlanStepKind;
  /** A Manual step with Blocking=true pauses the run until the admin has done it. */
  Blocking: boolean;
  ComputerName: string;
  /** What the step acts on: a path, a product, a server. */
  Target: string;
  Description: string;
  Reason: string;
  /** The public page the step rests on (Microsoft Learn title and URL), or "Inference: …" (domain/plan-basis.ts). */
  Basis: string;
  /** What the executor needs (product code, MSI file, vdir, property name, SDK URL, backup-relative paths…). */
  Parameters: Record<string, PlanParameterValue>;
}

export interface FollowUp {
  Id: string;
  ComputerName: string;
  Title: string;
  Instruction: string;
  /** The public page the follow-up rests on (Microsoft Learn title and URL). */
  Basis: string;
}

export interface UpgradePlan {
  /** The goal the plan was made for; a plan written before goals existed is an Upgrade plan. */
  Goal?: UpgradeGoal;
  Notice: string;
  Steps: PlanStep[];
  FollowUps: FollowUp[];
  /** Things the plan assumes without a source that states them; the admin should check each. */
  Inferences: string[];
}

/** A step before it gets its Order (numbered once the whole list is known). */
export type DraftStep = Omit<PlanStep, 'Order' | 'Basis'>;
