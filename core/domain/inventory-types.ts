/** What Get-PhoneFactorComponent reports: one object per installed component of one server. */
import type { ComponentName } from './catalog';

export interface ComponentRecord {
  Component: ComponentName;
  /** The display name actually matched in the Uninstall key (PhoneFactor-era names are undocumented). */
  DisplayName: string;
  Version: string | null;
  ProductCode: string | null;
  /** Install folder (Agent/MfaServer) or the web application's physical folder. */
  InstallPath: string | null;
  /** Data folder of the Agent / MFA Server. */
  DataPath: string | null;
  /** IIS virtual directory (application path without the leading slash), web components only. */
  VirtualDirectory: string | null;
  SiteName: string | null;
  PhysicalPath: string | null;
  WebConfigPath: string | null;
  /** The Web Service SDK URL the component's web.config points at, where it names one. */
  SdkUrl: string | null;
  /** Custom theme folders under App_Themes (User portal), Windows paths. */
  ThemePaths: string[];
  ComputerName: string;
  /** Windows path of the lab server folder when the target is a lab; null on real servers. */
  LabPath: string | null;
  /** True for PhoneFactor-era components (to be replaced), false for MFA Server-era ones. */
  IsLegacy: boolean;
}

export interface ServerInventory {
  ComputerName: string;
  DnsName: string;
  Is64Bit: boolean;
  Components: ComponentRecord[];
  /** Things noticed while looking (unreadable entries, patterns that matched loosely). */
  Warnings: string[];
}
