/** Get-PhoneFactorComponent: the inventory of PhoneFactor / MFA Server components on a server. */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract';
import type { OperationContext } from '../util/operation-context';
import { StringEnum } from './schema-helpers';
import { pipeIdentity, targetsOf, TargetParameters, ThrottleLimitParameter, type NamedTarget } from './target';
import { inventoryServer } from '../survey/inventory';
import { COMPONENT_NAMES } from '../domain/catalog';
import type { ComponentRecord } from '../domain/inventory-types';
import { DEFAULT_THROTTLE_LIMIT, mapSettled } from '../util/pool';
import { resultsOrPartialFailure, serverError } from '../util/partial-failure';
import type { CoreError } from '../util/errors';
import { showSetting } from '../util/secrets';

const Input = Type.Object({ ...TargetParameters, ThrottleLimit: ThrottleLimitParameter }, { additionalProperties: false });

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Output = Type.Object({
  Component: StringEnum([...COMPONENT_NAMES]),
  DisplayName: Type.String(),
  Version: Nullable(Type.String()),
  ProductCode: Nullable(Type.String()),
  InstallPath: Nullable(Type.String()),
  DataPath: Nullable(Type.String()),
  VirtualDirectory: Nullable(Type.String()),
  SiteName: Nullable(Type.String()),
  PhysicalPath: Nullable(Type.String()),
  WebConfigPath: Nullable(Type.String()),
  SdkUrl: Nullable(Type.String()),
  ThemePaths: Type.Array(Type.String()),
  ComputerName: Type.String(),
  LabPath: Nullable(Type.String()),
  IsLegacy: Type.Boolean(),
});

export const getComponentOperation = defineOperation({
  name: 'get-component',
  cmdlet: 'Get-PhoneFactorComponent',
  synopsis: 'Lists the PhoneFactor Agent and MFA Server components installed on a server.',
  description: [
    'Reads the Uninstall keys (64-bit and 32-bit views), the PhoneFactor product key, IIS applicationHost.config and the',
    'components\' web.configs, and outputs one object per component: Agent, UserPortal, MobileAppWebService, WebServiceSdk or',
    'MfaServer, with its display name as found (PhoneFactor-era names are not documented and are matched by pattern),',
    'version, product code, install path, data folder, virtual directory, web.config and the Web Service SDK URL it uses.',
    'The objects pipe by property name into Backup-PhoneFactor and the upgrade cmdlets. Several servers (-ComputerName',
    'MFA01, WEB01) are read in parallel, up to -ThrottleLimit at once, and listed in the order given; a server that cannot',
    'be reached reports its own error and the others still answer. Objects read from a remote server carry the name that',
    'reached it as ComputerName (and, for a lab there, its folder there as LabPath), so they pipe back to that server.',
  ].join(' '),
  examples: [
    { title: 'Inventory this server', code: 'Get-PhoneFactorComponent', remarks: 'Run elevated on the server.' },
    { title: 'Inventory a lab server', code: 'Get-PhoneFactorComponent -LabPath .\\lab | Format-List', remarks: 'Every property of every component.' },
    {
      title: 'Inventory several servers in parallel',
      code: 'Get-PhoneFactorComponent -ComputerName MFA01, WEB01 -ThrottleLimit 4',
      remarks: 'Reads the servers over PowerShell remoting, up to four at once. A server that cannot be reached reports its own error; ' +
        'the others still answer.',
    },
    {
      title: 'Inventory with another account, or through sessions you hold',
      code: '$cred = Get-Credential CONTOSO\\mfaadmin\nGet-PhoneFactorComponent -ComputerName MFA01, WEB01 -Credential $cred\n$s = New-PSSession ' +
        '-ComputerName MFA01 -ConfigurationName Microsoft.PowerShell\nGet-PhoneFactorComponent -Session $s',
      remarks: 'The credential and the sessions stay in your PowerShell session; your sessions stay open afterwards.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.Component',
  view: ['ComputerName', 'Component', 'DisplayName', 'Version', 'VirtualDirectory', 'InstallPath'],
  links: ['Backup-PhoneFactor', 'Get-MfaUpgradePlan'],
  batching: 'batch',
  handler: inventoryServers,
});

/**
 * Every server of every piped object in parallel (at most -ThrottleLimit at once); the components come back in the
 * order the servers were given, and a server that fails reports its own error without holding back the others.
 */
async function inventoryServers(
  items: { ComputerName?: string[]; LabPath?: string; ThrottleLimit?: number }[],
  ctx: OperationContext,
): Promise<ComponentRecord[]> {
  const throttle = Math.min(...items.map((i) => i.ThrottleLimit ?? DEFAULT_THROTTLE_LIMIT));
  const targets: NamedTarget[] = items.flatMap((item) => targetsOf(item));
  const outcomes = await mapSettled(targets, throttle, async (target) => {
    const out: ComponentRecord[] = [];
    for (const host of await target.open()) {
      ctx.progress('Inventory', host.computerName);
      const inventory = await inventoryServer(host);
      for (const w of inventory.Warnings) ctx.log('warning', `${host.computerName}: ${w}`);
      // Named so that each object pipes back to the same server (Backup-PhoneFactor, Restore-PhoneFactor).
      const identity = pipeIdentity(host);
      // The SDK URL is a value read from a web.config: shown through the secret rule (user:password@ in a URL).
      out.push(...inventory.Components.map((c) => ({ ...c, ...identity, SdkUrl: c.SdkUrl === null ? null : showSetting('SdkUrl', c.SdkUrl) })));
    }
    return out;
  });
  const results: ComponentRecord[] = [];
  const errors: CoreError[] = [];
  for (const [i, o] of outcomes.entries()) {
    if (o.ok) results.push(...o.value);
    else errors.push(serverError(o.error, targets[i].name ?? items[0].LabPath ?? 'this machine'));
  }
  return resultsOrPartialFailure(results, errors);
}
