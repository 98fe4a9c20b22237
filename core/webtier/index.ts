/**
 * The web-tier feature: who calls the Web Service SDK (Get-MfaSdkConsumer) and whether the SDK, portal and mobile app
 * endpoints answer (Test-MfaWebTier). Front door: findSdkConsumers, testWebTier. Files: consumer-files (where to
 * look), sdk-references (what a file names, structurally), url-effects (what the upgrade does to a URL), endpoints
 * (what to probe), probe (DNS, TCP, TLS, HTTP, SOAP with node's own modules).
 */
export * from './types';
export { findSdkConsumers, type ConsumerRequest } from './consumers';
export { consumerRow, type ConsumerRow } from './consumer-rows';
export { testWebTier, type WebTierCheck, type WebTierRequest } from './test-webtier';
export { PROBE_RESULTS, probeTls12, type ProbeResult, type EndpointRole, type ProbeOptions, type Tls12Outcome, type Tls12Result } from './probe';
