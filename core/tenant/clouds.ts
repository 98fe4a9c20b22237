/**
 * The Microsoft Graph service root of each national cloud, named as Graph PowerShell names its environments
 * (Connect-MgGraph -Environment, Get-MgContext's Environment): the only hosts the tenant reader ever calls.
 * Source: Microsoft Learn, "National cloud deployments" (https://learn.microsoft.com/graph/deployments), table
 * "Microsoft Graph and Graph Explorer service root endpoints".
 */
export const GRAPH_CLOUDS = {
  Global: 'https://graph.microsoft.com',
  USGov: 'https://graph.microsoft.us',
  USGovDoD: 'https://dod-graph.microsoft.us',
  China: 'https://microsoftgraph.chinacloudapi.cn',
} as const;

export type GraphCloud = keyof typeof GRAPH_CLOUDS;
export const GRAPH_CLOUD_NAMES = Object.keys(GRAPH_CLOUDS) as GraphCloud[];

/** Only v1.0 is read: beta "is subject to change" and its use "in production applications is not supported". */
export const GRAPH_VERSION = 'v1.0';

/** The base every request path is appended to: `https://graph.microsoft.us/v1.0/`. */
export function graphBase(cloud: GraphCloud): URL {
  return new URL(`${GRAPH_CLOUDS[cloud]}/${GRAPH_VERSION}/`);
}

export function isGraphCloud(name: string): name is GraphCloud {
  return Object.prototype.hasOwnProperty.call(GRAPH_CLOUDS, name);
}

/** True when the address lies on one of the four Graph hosts, over HTTPS. */
export function isGraphAddress(url: URL): boolean {
  return url.protocol === 'https:' && url.port === '' && Object.values(GRAPH_CLOUDS).some((root) => new URL(root).hostname === url.hostname.toLowerCase());
}

/** 127.0.0.0/8 or [::1], as an IP literal (a name such as localhost resolves through files anyone may have changed). */
export function isLoopbackAddress(url: URL): boolean {
  const host = url.hostname;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '[::1]';
}
