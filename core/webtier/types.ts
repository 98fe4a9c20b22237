/** What the web-tier feature reports: SDK consumers (Get-MfaSdkConsumer) and endpoint probes (Test-MfaWebTier). */

export type ConsumerKind = 'WebConfig' | 'AdfsAdapter' | 'MimSettings' | 'File';
export const CONSUMER_KINDS: ConsumerKind[] = ['WebConfig', 'AdfsAdapter', 'MimSettings', 'File'];

/** What the planned upgrade does to a consumer's URL (several may apply; Unchanged only alone). */
export type ConsumerEffect = 'Unchanged' | 'BrokenByRename' | 'IpAddress' | 'HostNotBound' | 'HostNotInCertificate';
export const CONSUMER_EFFECTS: ConsumerEffect[] = ['Unchanged', 'BrokenByRename', 'IpAddress', 'HostNotBound', 'HostNotInCertificate'];

/** One place in one file that names the Web Service SDK. The URL is as written (the cmdlet shows it through the secret rule). */
export interface SdkReference {
  /** The setting's own name: an appSettings key, an applicationSettings setting, an element (LOCMFASRV) or element@attribute. */
  setting: string;
  url: string;
}

/** The SDK service account a consumer file holds beside its URL (never shown, never logged: the redactor knows the password). */
export interface SdkAccount {
  username: string;
  password: string;
}

export interface SdkConsumer {
  computerName: string;
  labPath: string | null;
  kind: ConsumerKind;
  /** Windows path on the server (or the local path of a -Path file). */
  file: string;
  setting: string;
  url: string;
  /** The URL after the upgrade, when the upgrade changes the SDK's address; null otherwise. */
  newUrl: string | null;
  effects: ConsumerEffect[];
  /** Why, in words: which SDK installation the URL was matched to, what is unknown. */
  detail: string;
  /** The service account of the same file, when it has one (for Test-MfaWebTier). Not part of any output. */
  account?: SdkAccount;
}
