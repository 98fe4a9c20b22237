/**
 * The Web Service SDK URL setting is recognised by its role, not a fixed name: the Mobile App Web Service's
 * setting name is not documented and may differ between the old and the new file. A setting plays that role when
 * its name ends in `_pfwssdk_PfWsSdk`, or its value ends in `PfWsSdk.asmx`, or (during a merge with an explicit
 * URL) its value already is that URL — so a setting the merge has written stays recognisable on the next run.
 */
import { SDK_URL_SETTING_PATTERN, SDK_URL_VALUE_PATTERN } from '../domain/catalog';
import type { SettingEntry, SettingsGroup, WebConfig } from './config-model';

export function isSdkUrlSetting(name: string, value: string | null, explicitUrl?: string): boolean {
  if (SDK_URL_SETTING_PATTERN.test(name)) return true;
  if (value === null) return false;
  return SDK_URL_VALUE_PATTERN.test(value) || (explicitUrl !== undefined && value === explicitUrl);
}

/** For reading: a name match wins; otherwise the first setting whose value looks like the SDK URL. */
export function findSdkUrlSetting(config: WebConfig): { group: SettingsGroup; setting: SettingEntry } | undefined {
  const all = (config.applicationSettings?.groups ?? []).flatMap((group) => group.settings.map((setting) => ({ group, setting })));
  return (
    all.find(({ setting }) => SDK_URL_SETTING_PATTERN.test(setting.name)) ??
    all.find(({ setting }) => setting.value !== null && SDK_URL_VALUE_PATTERN.test(setting.value))
  );
}

/** The SDK's endpoint file name (S3a, S9, M6) inside any text; matched case-insensitively, as IIS resolves paths. */
const SDK_URL_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>;]*?PfWsSdk\.asmx/i;

/** The URL inside a value ('https://…/PfWsSdk.asmx', possibly inside a longer string), or undefined. */
export function sdkUrlIn(value: string): string | undefined {
  return SDK_URL_IN_TEXT.exec(value)?.[0];
}
