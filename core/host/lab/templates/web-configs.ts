/**
 * web.config files of the lab: PhoneFactor-era ones (what an admin has customised) and the fresh defaults the
 * simulated MFA Server installers write. Written for this project; shaped like ordinary ASP.NET files
 * (configSections + appSettings + applicationSettings settings group), CRLF and a UTF-8 BOM as Visual Studio saves them.
 */
import type { WebComponentName } from '../../../domain/catalog';

const BOM = '\uFEFF';
const crlf = (lines: string[]) => BOM + lines.join('\r\n') + '\r\n';

/** The settings group (project namespace) and SDK-URL setting of each web component that calls the SDK. */
export const SDK_CLIENT_SETTINGS: Partial<Record<WebComponentName, { group: string; setting: string }>> = {
  UserPortal: { group: 'pfup.Properties.Settings', setting: 'pfup_pfwssdk_PfWsSdk' },
  MobileAppWebService: { group: 'pfpaws.Properties.Settings', setting: 'pfpaws_pfwssdk_PfWsSdk' },
};

/** Placeholder SDK URL of the MFA Server-era default web.configs. */
export const DEFAULT_NEW_SDK_URL = 'https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';

export interface LegacyWebConfigOptions {
  useWebServiceSdk: boolean;
  sdkUsername: string;
  sdkPassword: string;
  sdkUrl: string;
  /** Extra appSettings an admin added, e.g. SSL_REQUIRED=false behind an offloading proxy. */
  extraAppSettings?: Record<string, string>;
}

function settingsSection(group: string, frameworkVersion: '2.0.0.0' | '4.0.0.0'): string[] {
  return [
    '  <configSections>',
    `    <sectionGroup name="applicationSettings" type="System.Configuration.ApplicationSettingsGroup, System, Version=${frameworkVersion}, Culture=neutral, ` +
      `PublicKeyToken=b77a5c561934e089">`,
    `      <section name="${group}" type="System.Configuration.ClientSettingsSection, System, Version=${frameworkVersion}, Culture=neutral, ` +
      `PublicKeyToken=b77a5c561934e089" requirePermission="false" />`,
    '    </sectionGroup>',
    '  </configSections>',
  ];
}

function sdkClientBlocks(
  component: 'UserPortal' | 'MobileAppWebService',
  o: LegacyWebConfigOptions,
  comment: string,
): { appSettings: string[]; applicationSettings: string[] } {
  const s = SDK_CLIENT_SETTINGS[component]!;
  const extras = Object.entries(o.extraAppSettings ?? {}).map(([k, v]) => `    <add key="${k}" value="${v}" />`);
  return {
    appSettings: [
      '  <appSettings>',
      `    <!-- ${comment} -->`,
      `    <add key="USE_WEB_SERVICE_SDK" value="${o.useWebServiceSdk ? 'true' : 'false'}" />`,
      `    <add key="WEB_SERVICE_SDK_AUTHENTICATION_USERNAME" value="${o.sdkUsername}" />`,
      `    <add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="${o.sdkPassword}" />`,
      ...extras,
      '  </appSettings>',
    ],
    applicationSettings: [
      '  <applicationSettings>',
      `    <${s.group}>`,
      `      <setting name="${s.setting}" serializeAs="String">`,
      `        <value>${o.sdkUrl}</value>`,
      '      </setting>',
      `    </${s.group}>`,
      '  </applicationSettings>',
    ],
  };
}

/** A PhoneFactor Agent 5.x-era web.config (.NET 2.0), as an admin left it. */
export function legacyWebConfig(component: WebComponentName, o: LegacyWebConfigOptions): string {
  if (component === 'WebServiceSdk') {
    return crlf([
      '<?xml version="1.0" encoding="utf-8"?>',
      '<!-- PhoneFactor Web Service SDK -->',
      '<configuration>',
      '  <system.web>',
      '    <compilation debug="false" />',
      '    <authentication mode="Windows" />',
      '    <webServices>',
      '      <protocols>',
      '        <remove name="HttpGet" />',
      '      </protocols>',
      '    </webServices>',
      '  </system.web>',
      '</configuration>',
    ]);
  }
  const s = SDK_CLIENT_SETTINGS[component]!;
  const b = sdkClientBlocks(component, o, 'Set USE_WEB_SERVICE_SDK to true when this server is not the PhoneFactor server.');
  return crlf([
    '<?xml version="1.0" encoding="utf-8"?>',
    '<configuration>',
    ...settingsSection(s.group, '2.0.0.0'),
    ...b.appSettings,
    '  <system.web>',
    '    <compilation debug="false" />',
    '    <authentication mode="Forms">',
    '      <forms loginUrl="Login.aspx" timeout="20" />',
    '    </authentication>',
    component === 'UserPortal' ? '    <pages theme="Contoso" />' : '    <pages />',
    '  </system.web>',
    ...b.applicationSettings,
    '</configuration>',
  ]);
}

/** The fresh default web.config an MFA Server-era web component installer writes (.NET 4.x). */
export function defaultNewWebConfig(component: WebComponentName): string {
  if (component === 'WebServiceSdk') {
    return crlf([
      '<?xml version="1.0" encoding="utf-8"?>',
      '<configuration>',
      '  <system.web>',
      '    <compilation debug="false" targetFramework="4.5" />',
      '    <httpRuntime targetFramework="4.5" />',
      '    <authentication mode="Windows" />',
      '    <webServices>',
      '      <protocols>',
      '        <remove name="HttpGet" />',
      '        <remove name="HttpPost" />',
      '      </protocols>',
      '    </webServices>',
      '  </system.web>',
      '</configuration>',
    ]);
  }
  const s = SDK_CLIENT_SETTINGS[component]!;
  const b = sdkClientBlocks(
    component,
    { useWebServiceSdk: false, sdkUsername: '', sdkPassword: '', sdkUrl: DEFAULT_NEW_SDK_URL },
    'When the Web Service SDK is used, fill in the account that calls it.',
  );
  return crlf([
    '<?xml version="1.0" encoding="utf-8"?>',
    '<configuration>',
    ...settingsSection(s.group, '4.0.0.0'),
    ...b.appSettings,
    '  <system.web>',
    '    <compilation debug="false" targetFramework="4.5" />',
    '    <httpRuntime targetFramework="4.5" requestValidationMode="2.0" />',
    '    <authentication mode="Forms">',
    '      <forms loginUrl="Login.aspx" timeout="20" />',
    '    </authentication>',
    component === 'UserPortal' ? '    <pages theme="Default" />' : '    <pages />',
    '  </system.web>',
    '  <system.webServer>',
    '    <modules runAllManagedModulesForAllRequests="true" />',
    '  </system.webServer>',
    ...b.applicationSettings,
    '</configuration>',
  ]);
}

/** Files of a theme folder under App_Themes (the lab's themes are small but real CSS/skin text). */
export function themeFiles(theme: string, accent: string): Record<string, string> {
  return {
    [`${theme}.css`]: [
      `/* ${theme} theme */`,
      'body { font-family: Segoe UI, Arial, sans-serif; margin: 0; }',
      `.header { background-color: ${accent}; color: #ffffff; padding: 12px; }`,
      `a { color: ${accent}; }`,
      '',
    ].join('\r\n'),
    [`${theme}.skin`]: [
      `<%-- ${theme} skin --%>`,
      '<asp:Button runat="server" CssClass="button" />',
      '<asp:TextBox runat="server" CssClass="textbox" />',
      '',
    ].join('\r\n'),
  };
}
