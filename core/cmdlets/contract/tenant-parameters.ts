/**
 * How the tenant cmdlets reach Microsoft Graph: -Cloud and -AccessToken, declared once (core/tenant/open-reader.ts
 * decides the way). Without -AccessToken the caller's connected Graph session is used, through the transport.
 */
import { Type } from '@sinclair/typebox';
import { GRAPH_CLOUD_NAMES, type TenantConnection } from '../../tenant/index';
import { StringEnum } from './schema-helpers';

export const TenantParameters = {
  Cloud: Type.Optional(
    StringEnum([...GRAPH_CLOUD_NAMES], {
      description: 'The national cloud of the tenant: Global (graph.microsoft.com), USGov (graph.microsoft.us), USGovDoD (dod-graph.microsoft.us) or China ' +
        '(microsoftgraph.chinacloudapi.cn). Default: the cloud of the connected Graph session (Get-MgContext), or Global with -AccessToken.',
    }),
  ),
  AccessToken: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'A Microsoft Graph access token (a SecureString) to read with, instead of the Graph session this PowerShell connected with ' +
        'Connect-MgGraph. ' +
        'It reaches the core only inside the request on its standard input (never the command line, the environment or a file), is held in memory for the ' +
        'call, sent only to the chosen cloud\'s Graph host, and masked wherever it could be echoed (errors, logs, verbose and debug output).',
      'x-mfa': { psType: 'SecureString' },
    }),
  ),
};

export const MigrationGroupDescription = 'The Entra group the MFA Server Migration Utility migrates (its object id or exact display name).';

export function connectionOf(input: { Cloud?: TenantConnection['cloud']; AccessToken?: string }): TenantConnection {
  return { cloud: input.Cloud, accessToken: input.AccessToken };
}

export const TENANT_OWN_PROCESS = 'Graph is read through this PowerShell\'s connected Graph session: the transport answers the core\'s questions on the ' +
  'stdin of a core of its own (the warm core\'s protocol carries no answers back).';
