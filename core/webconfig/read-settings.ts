/** The settings of one web.config, decoded and NOT masked (the caller masks); used by the inventory. */
import { loadWebConfig } from './config-model';
import { findSdkUrlSetting } from './sdk-url';
import type { MergeInput, WebConfigSettings } from './types';

export function readWebConfigSettings(input: MergeInput): WebConfigSettings {
  const config = loadWebConfig(input);
  const sdk = findSdkUrlSetting(config);
  return {
    appSettings: (config.appSettings?.entries ?? []).map(({ key, value }) => ({ key, value })),
    applicationSettings: (config.applicationSettings?.groups ?? []).flatMap((group) =>
      group.settings.filter((s) => s.value !== null).map((s) => ({ group: group.name, name: s.name, value: s.value! })),
    ),
    ...(sdk && sdk.setting.value !== null ? { sdkUrl: sdk.setting.value } : {}),
  };
}
