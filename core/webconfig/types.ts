/** Public types of the web.config merge (the contract Merge-MfaWebConfig and the inventory build on). */

/** Reads a file named by file=/configSource= of the web.config being loaded; bytes null when it is not there. */
export type ExternalReader = (relative: string) => { path: string; bytes: Buffer | null };

export type MergeAction = 'Updated' | 'Added' | 'Unchanged' | 'OnlyInNew' | 'Conflict' | 'Review';

export interface MergeChange {
  /** 'appSettings', 'applicationSettings/<GroupName>', or an element path such as 'system.web/customErrors'. */
  Section: string;
  /** The add key, the setting name, the attribute name, or '(element)' for a whole element. */
  Name: string;
  Action: MergeAction;
  /** Value in the target before the merge (decoded), masked if secret. */
  OldValue: string | null;
  /** Value in the target after the merge; for Review/Conflict the reference's value. Masked if secret. */
  NewValue: string | null;
  /** True for the Web Service SDK URL setting. */
  IsSdkUrl: boolean;
  /**
   * Where the value lives when that is not the web.config itself, and what to do for a Review: e.g. "old value read
   * from D:\Backup\appSettings.config (file= of the old appSettings)". Never holds a value.
   */
  Detail: string | null;
}

/** `path` is only used in error messages; `parameter` (e.g. 'ReferencePath') names the file there too. */
export interface MergeInput {
  path: string;
  bytes: Buffer;
  parameter?: string;
}

export interface MergeOptions {
  /** Explicit new SDK URL (validated by the caller as an absolute http(s) URL). */
  webServiceSdkUrl?: string;
  /** Pristine default web.config of the OLD version: enables the three-way merge of other sections. */
  base?: MergeInput;
  /** Read a file named by file=/configSource= beside the target / reference (see config-model.ts). */
  targetExternal?: ExternalReader;
  referenceExternal?: ExternalReader;
}

export interface MergeResult {
  changes: MergeChange[];
  output: Buffer;
  changed: boolean;
}

export interface WebConfigSettings {
  appSettings: { key: string; value: string }[];
  applicationSettings: { group: string; name: string; value: string }[];
  sdkUrl?: string;
}
