/**
 * What the caller asks to back up. Files and folders are read from the host; registry exports and the
 * inventory are produced by the caller and handed over as bytes. A ConfigFile is a file a web.config names (appSettings
 * file=, configSource=), inside the web application's folder. An SdkConsumer is the file of another caller of the Web
 * Service SDK (an IIS application's web.config, the AD FS adapter's config, MIM's MfaSettings.xml) whose URL the upgrade
 * changes.
 */
export type BackupItemKind = 'DataFolder' | 'WebConfig' | 'ConfigFile' | 'Theme' | 'Registry' | 'Inventory' | 'RollbackMedia' | 'SdkConsumer';

interface BackupItemBase {
  /** Usually a ComponentName from domain/catalog ('Agent', 'UserPortal', …). */
  component: string;
  kind: BackupItemKind;
  /** Where it goes inside the backup (`Data`, `UserPortal\web.config`); a folder item keeps its tree below it. */
  relativePath: string;
}

export interface HostBackupItem extends BackupItemBase {
  /** Windows path on the host: a file, or a folder backed up recursively. */
  sourcePath: string;
  /** When the source does not exist: record it as skipped instead of failing (e.g. a portal without App_Themes). */
  optional?: boolean;
  content?: undefined;
}

export interface ContentBackupItem extends BackupItemBase {
  content: Buffer;
  /** What the content came from, for the manifest (e.g. the registry key); defaults to the relative path. */
  sourcePath?: string;
}

export type BackupItem = HostBackupItem | ContentBackupItem;

export function isContentItem(item: BackupItem): item is ContentBackupItem {
  return item.content !== undefined;
}
