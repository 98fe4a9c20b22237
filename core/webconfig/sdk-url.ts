/**
 * The Web Service SDK URL setting, found by its role rather than its name: the Mobile App Web Service's setting name
 * is not documented and may differ between the old and the new file. A name ending in `_pfwssdk_PfWsSdk` wins;
 * otherwise the first setting whose value ends in `PfWsSdk.asmx`.
 */
import { SDK_URL_SETTING_PATTERN, SDK_URL_VALUE_PATTERN } from '../domain/catalog';
import type { SettingEntry, SettingsGroup, WebConfig } from './config-model';

export interface SdkUrlSetting {
  group: SettingsGroup;
  setting: SettingEntry;
}

export function findSdkUrlSetting(config: WebConfig): SdkUrlSetting | undefined {
  const all = (config.applicationSettings?.groups ?? []).flatMap((group) => group.settings.map((setting) => ({ group, setting })));
  return (
    all.find(({ setting }) => SDK_URL_SETTING_PATTERN.test(setting.name)) ??
    all.find(({ setting }) => setting.value !== null && SDK_URL_VALUE_PATTERN.test(setting.value))
  );
}
