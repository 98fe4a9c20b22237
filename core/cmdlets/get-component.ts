/** Get-PhoneFactorComponent: the inventory of PhoneFactor / MFA Server components on a server. */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, ThrottleLimitParameter, targetOf } from './contract/target-parameters';
import { inventoryServers } from '../survey/inventory-servers';
import { COMPONENT_NAMES } from '../domain/catalog';
import { DEFAULT_THROTTLE_LIMIT } from '../util/pool';
import { showSetting } from '../util/secrets';

const Input = Type.Object({ ...ServerTargetParameters, ThrottleLimit: ThrottleLimitParameter }, { additionalProperties: false });

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
  view: {
    groupBy: 'ComputerName',
    table: ['Component', { property: 'Version', width: 8 }, { property: 'VirtualDirectory', width: 29 }, 'InstallPath'],
  },
  links: ['Backup-PhoneFactor', 'Get-MfaUpgradePlan'],
  batching: 'batch',
  handler: async (items, ctx) => {
    const throttle = Math.min(...items.map((i) => i.ThrottleLimit ?? DEFAULT_THROTTLE_LIMIT));
    const components = await inventoryServers({ targets: items.map(targetOf), throttle }, ctx);
    // The SDK URL is a value read from a web.config: shown through the secret rule (user:password@ in a URL).
    return components.map((c) => ({ ...c, SdkUrl: c.SdkUrl === null ? null : showSetting('SdkUrl', c.SdkUrl) }));
  },
});
