/** The web.config merge library: pure functions over bytes, no file system access. */
export type { ExternalReader, MergeAction, MergeChange, MergeInput, MergeOptions, MergeResult, WebConfigSettings } from './types';
export { mergeWebConfig } from './merge';
export { readWebConfigSettings } from './read-settings';
export { namedExternalFiles } from './config-model';
export { rewriteSdkUrl, sdkUrlState, type SdkUrlChange, type SdkUrlRewrite, type SdkUrlState } from './sdk-url-rewrite';
export { redirectWebConfig, readRedirect, isOwnRedirect, type HttpRedirect } from './redirect';
