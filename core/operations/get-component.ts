/** Get-PhoneFactorComponent: the inventory of PhoneFactor / MFA Server components on a server. */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract';
import { StringEnum } from './schema-helpers';
import { openTargetHosts, TargetParameters } from './target';
import { inventoryServer } from '../domain/inventory';
import { COMPONENT_NAMES } from '../domain/catalog';

const Input = Type.Object({ ...TargetParameters }, { additionalProperties: false });

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
    'The objects pipe by property name into Backup-PhoneFactor and the upgrade cmdlets.',
  ].join(' '),
  examples: [
    { title: 'Inventory this server', code: 'Get-PhoneFactorComponent', remarks: 'Run elevated on the server.' },
    { title: 'Inventory a lab server', code: 'Get-PhoneFactorComponent -LabPath .\\lab | Format-List', remarks: 'Every property of every component.' },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.Component',
  view: ['ComputerName', 'Component', 'DisplayName', 'Version', 'VirtualDirectory', 'InstallPath'],
  links: ['Backup-PhoneFactor', 'Get-MfaUpgradePlan'],
  handler: perItem(async (item, ctx) => {
    const out = [];
    for (const host of await openTargetHosts(item)) {
      ctx.progress('Inventory', host.computerName);
      const inventory = await inventoryServer(host);
      for (const w of inventory.Warnings) ctx.log('warning', `${host.computerName}: ${w}`);
      out.push(...inventory.Components);
    }
    return out;
  }),
});
