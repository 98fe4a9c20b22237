/** Inventories shaped like the lab scenarios (SingleServer, SeparateWebServer, AgentOnly, CustomNames). */
import type { ComponentName } from '../../../core/domain/catalog';
import type { ComponentRecord, ServerInventory } from '../../../core/domain/inventory-types';
import type { PlanInput } from '../../../core/domain/plan';

export function record(component: ComponentName, computerName: string, extra: Partial<ComponentRecord> = {}): ComponentRecord {
  return {
    Component: component,
    DisplayName: `PhoneFactor ${component}`,
    Version: '5.0.1',
    ProductCode: `{${component.toUpperCase()}-0000}`,
    InstallPath: null,
    DataPath: null,
    VirtualDirectory: null,
    SiteName: null,
    PhysicalPath: null,
    WebConfigPath: null,
    SdkUrl: null,
    ThemePaths: [],
    ComputerName: computerName,
    LabPath: null,
    IsLegacy: component !== 'MfaServer',
    ...extra,
  };
}

export function web(component: ComponentName, computerName: string, vdir: string, root = 'C:\\inetpub\\wwwroot', extra: Partial<ComponentRecord> = {}): ComponentRecord {
  const physical = `${root}\\${vdir}`;
  return record(component, computerName, {
    VirtualDirectory: vdir,
    SiteName: 'Default Web Site',
    PhysicalPath: physical,
    InstallPath: physical,
    WebConfigPath: `${physical}\\web.config`,
    ...extra,
  });
}

export function agent(computerName: string, installPath = 'C:\\Program Files\\PhoneFactor\\'): ComponentRecord {
  return record('Agent', computerName, { InstallPath: installPath, DataPath: `${installPath.replace(/\\$/, '')}\\Data` });
}

const MFA01_SDK = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';

export function singleServer(): ServerInventory {
  return {
    ComputerName: 'MFA01',
    DnsName: 'mfa01.contoso.com',
    Is64Bit: true,
    Warnings: [],
    Components: [
      agent('MFA01'),
      web('UserPortal', 'MFA01', 'PhoneFactor', undefined, { SdkUrl: MFA01_SDK, ThemePaths: ['C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso'] }),
      web('MobileAppWebService', 'MFA01', 'PhoneFactorPhoneAppWebService', undefined, { SdkUrl: MFA01_SDK }),
      web('WebServiceSdk', 'MFA01', 'PhoneFactorWebServiceSdk'),
    ],
  };
}

export function separateWebServer(webIs64Bit = false): ServerInventory[] {
  return [
    {
      ComputerName: 'MFA01',
      DnsName: 'mfa01.contoso.com',
      Is64Bit: true,
      Warnings: [],
      Components: [agent('MFA01'), web('WebServiceSdk', 'MFA01', 'PhoneFactorWebServiceSdk')],
    },
    {
      ComputerName: 'WEB01',
      DnsName: 'web01.contoso.com',
      Is64Bit: webIs64Bit,
      Warnings: [],
      Components: [
        web('UserPortal', 'WEB01', 'PhoneFactor', undefined, { SdkUrl: MFA01_SDK }),
        web('MobileAppWebService', 'WEB01', 'PhoneFactorPhoneAppWebService', undefined, { SdkUrl: MFA01_SDK }),
      ],
    },
  ];
}

export function agentOnly(): ServerInventory {
  return { ComputerName: 'MFA01', DnsName: 'mfa01.contoso.com', Is64Bit: true, Warnings: [], Components: [agent('MFA01')] };
}

export function customNames(): ServerInventory {
  const sdkUrl = 'https://pfsrv01.contoso.com/MFASdk/PfWsSdk.asmx';
  return {
    ComputerName: 'PFSRV01',
    DnsName: 'pfsrv01.contoso.com',
    Is64Bit: true,
    Warnings: [],
    Components: [
      agent('PFSRV01', 'D:\\PhoneFactor\\'),
      web('UserPortal', 'PFSRV01', 'MFAPortal', 'D:\\WebApps', { SdkUrl: sdkUrl }),
      web('MobileAppWebService', 'PFSRV01', 'MFAMobile', 'D:\\WebApps', { SdkUrl: sdkUrl }),
      web('WebServiceSdk', 'PFSRV01', 'MFASdk', 'D:\\WebApps'),
    ],
  };
}

export function input(servers: ServerInventory[], overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    servers,
    installerPath: 'C:\\Media\\MFA Server 8.1',
    naming: 'New',
    backupDestination: 'C:\\MfaBackup',
    newVersion: '8.1.1.1',
    vdirProperty: {},
    ...overrides,
  };
}
