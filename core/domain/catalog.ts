/**
 * What is known about the components of PhoneFactor Agent 5.x and MFA Server (../shared/reference/mfa-server-facts.md).
 * Display names of PhoneFactor-era products are not documented [?]: they are matched by pattern, and callers
 * report the name actually matched.
 */

export type ComponentName = 'Agent' | 'UserPortal' | 'MobileAppWebService' | 'WebServiceSdk' | 'MfaServer';

export const COMPONENT_NAMES: ComponentName[] = ['Agent', 'UserPortal', 'MobileAppWebService', 'WebServiceSdk', 'MfaServer'];

export type WebComponentName = 'UserPortal' | 'MobileAppWebService' | 'WebServiceSdk';

export interface WebComponentInfo {
  component: WebComponentName;
  /** PhoneFactor-era default virtual directory (also the physical folder name under wwwroot). */
  legacyVirtualDirectory: string;
  /** MFA Server default virtual directory. */
  newVirtualDirectory: string;
  /** The .asmx endpoint under the vdir, where there is one. */
  endpoint?: string;
  /** MFA Server installer file name; XX is 32 or 64. */
  msiFileName(bits: 32 | 64): string;
  /** Display-name patterns: PhoneFactor era, then MFA Server era. */
  legacyDisplayName: RegExp;
  newDisplayName: RegExp;
}

export const WEB_COMPONENTS: Record<WebComponentName, WebComponentInfo> = {
  UserPortal: {
    component: 'UserPortal',
    legacyVirtualDirectory: 'PhoneFactor',
    newVirtualDirectory: 'MultiFactorAuth',
    msiFileName: (bits) => `MultiFactorAuthenticationUserPortalSetup${bits}.msi`,
    legacyDisplayName: /phone\s*factor.*(user\s*portal|portal)/i,
    newDisplayName: /multi-?factor\s*auth.*user\s*portal/i,
  },
  MobileAppWebService: {
    component: 'MobileAppWebService',
    legacyVirtualDirectory: 'PhoneFactorPhoneAppWebService',
    newVirtualDirectory: 'MultiFactorAuthMobileAppWebService',
    endpoint: 'PfPaWs.asmx',
    msiFileName: (bits) => `MultiFactorAuthenticationMobileAppWebServiceSetup${bits}.msi`,
    legacyDisplayName: /phone\s*factor.*(phone\s*app|mobile\s*app).*web\s*service/i,
    newDisplayName: /multi-?factor\s*auth.*mobile\s*app.*web\s*service/i,
  },
  WebServiceSdk: {
    component: 'WebServiceSdk',
    legacyVirtualDirectory: 'PhoneFactorWebServiceSdk',
    newVirtualDirectory: 'MultiFactorAuthWebServiceSdk',
    endpoint: 'PfWsSdk.asmx',
    msiFileName: (bits) => `MultiFactorAuthenticationWebServiceSdkSetup${bits}.msi`,
    legacyDisplayName: /phone\s*factor.*web\s*service\s*sdk/i,
    newDisplayName: /multi-?factor\s*auth.*web\s*service\s*sdk/i,
  },
};

/** The server product itself. */
export const AGENT_DISPLAY_NAME = /^phone\s*factor(\s*agent)?(\s*v?\d[\d.]*)?$/i;
export const MFA_SERVER_DISPLAY_NAME = /multi-?factor\s*auth(entication)?\s*server/i;
export const MFA_SERVER_SETUP_FILE = 'MultiFactorAuthenticationServerSetup.exe';

/** Where the tool's logs go on a server: %SystemRoot%\Logs\Software (the ConfigMgr convention), as a path of the server. */
export const SERVER_LOG_FOLDER = 'C:\\Windows\\Logs\\Software';

/** Registry: the product key (32-bit view) and its install-path value. */
export const PRODUCT_KEY = 'HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor';
export const PRODUCT_KEY_VIEW = '32' as const;
export const INSTALL_PATH_VALUE = 'InstallPath';

export const DEFAULT_LEGACY_INSTALL_PATH = 'C:\\Program Files\\PhoneFactor';
export const DEFAULT_NEW_INSTALL_PATH = 'C:\\Program Files\\Multi-Factor Authentication Server';
export const DEFAULT_WWWROOT = 'C:\\inetpub\\wwwroot';

/** Data file: `Phonefactor.pfdata` (PhoneFactor era) and `PhoneFactor.pfdata` are the same file on Windows. */
export const DATA_FOLDER = 'Data';
export const DATA_FILE = 'PhoneFactor.pfdata';

/** Services of MFA Server. PhoneFactor-era service names are not documented [?]; the lab uses 'PFSVC'. */
export const MFA_SERVICE = 'MultiFactorAuth';
export const MFA_ADSYNC_SERVICE = 'MultiFactorAuthAdSync';

/** web.config keys (appSettings) and the SDK URL setting pattern (applicationSettings). */
export const SDK_URL_SETTING_PATTERN = /_pfwssdk_PfWsSdk$/i;
export const SDK_URL_VALUE_PATTERN = /PfWsSdk\.asmx\s*$/i;

/**
 * Settings classes (applicationSettings groups `<namespace>.Properties.Settings`) renamed between PhoneFactor and MFA
 * Server: old namespace -> new namespace. The Mobile App Web Service's pfpaws became MultiFactorAuthMobileAppWebService
 * (test/fixtures/webconfig/mobileapp); the User Portal kept pfup. Used by core/webconfig/settings-groups.ts.
 */
export const SETTINGS_NAMESPACE_RENAMES: Record<string, string> = { pfpaws: 'MultiFactorAuthMobileAppWebService' };

/** MFA Server stopped servicing MFA requests on this date; upgrades now exist to reach the Migration Utility. */
export const MFA_SERVER_RETIREMENT_DATE = '2024-09-30';

/**
 * Where the retired User portal's address sends users: Microsoft's registration page for cloud Entra MFA. M1 ("MFA
 * Server migration") says to redirect the portal's URL "to aka.ms/mfasetup" (or untick "Allow users to log in").
 */
export const PORTAL_REDIRECT_DESTINATION = 'https://aka.ms/mfasetup';

/**
 * The Migration Utility's files in the MFA Server install folder (8.1 and later). M1 names the script
 * Configure-MultiFactorAuthMigrationUtility.ps1 "from the install dir" and the UI MultiFactorAuthMigrationUtilityUI;
 * that the UI is an .exe beside it is an inference.
 */
export const MIGRATION_UTILITY_SCRIPT = 'Configure-MultiFactorAuthMigrationUtility.ps1';
export const MIGRATION_UTILITY_UI = 'MultiFactorAuthMigrationUtilityUI.exe';
/** The first build that ships the Migration Utility (M1). */
export const MIGRATION_UTILITY_MIN_VERSION = '8.1';

/** The static replication port value (S6: "set the static port on all MFA Servers"), under the product key. */
export const REPLICATION_PORT_VALUE = 'Pfsvc_ncan_ip_tcp_port';

/** Where .NET 4.x reads its TLS defaults (M8: SchUseStrongCrypto and SystemDefaultTlsVersions, in both registry views). */
export const DOTNET4_KEY = 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
export const DOTNET_TLS_VALUES = ['SchUseStrongCrypto', 'SystemDefaultTlsVersions'] as const;
