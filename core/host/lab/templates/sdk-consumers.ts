/**
 * The SdkConsumers lab's callers of the Web Service SDK other than the portal and the mobile app web service, on APP01:
 * an unrelated IIS application in its own site on another port (and a second one whose connection strings are
 * encrypted), the AD FS adapter's config and MIM's MfaSettings.xml.
 * Each URL breaks in its own way when the SDK's vdir is renamed (-VirtualDirectoryNaming New), and one names a port
 * the SDK's site does not bind. Passwords are made up; they must never show in any output.
 */
import { APPLICATION_HOST_CONFIG } from '../../iis';
import type { LabHost } from '../lab-host';
import { applicationHostFromSections } from './application-host';

const OLD_SDK = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
export const LOB_SITE = { name: 'Intranet Apps', binding: '*:8443:', path: '/Timesheets', folder: 'C:\\inetpub\\intranet\\Timesheets' };
/** A second application of the same site whose connection strings are encrypted: its SDK URL is visible, but not safe to edit. */
export const ENCRYPTED_APP = { path: '/Payroll', folder: 'C:\\inetpub\\intranet\\Payroll' };
export const ADFS_ADAPTER_CONFIG_PATH = 'C:\\Program Files\\Multi-Factor Authentication Server\\MultiFactorAuthenticationAdfsAdapter.config';
export const MIM_SETTINGS_PATH = 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\MfaSettings.xml';
export const LAB_CONSUMER_PASSWORDS = ['Tim3sheet!Pw', 'Adf5Adapter!Pw'];

/**
 * A line-of-business ASP.NET application's web.config. Shape: what Visual Studio writes for a web reference to an .asmx
 * service (an applicationSettings group whose setting is named <Namespace>_<Reference>_<Service>, the same pattern as
 * the portal's pfup_pfwssdk_PfWsSdk, S3a), plus the account in appSettings. The commented-out URL is not a setting.
 */
const LOB_WEB_CONFIG = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<configuration>',
  '  <configSections>',
  '    <sectionGroup name="applicationSettings" type="System.Configuration.ApplicationSettingsGroup, System, Version=4.0.0.0, Culture=neutral, ' +
    'PublicKeyToken=b77a5c561934e089">',
  '      <section name="Timesheets.Properties.Settings" type="System.Configuration.ClientSettingsSection, System, Version=4.0.0.0, Culture=neutral, ' +
    'PublicKeyToken=b77a5c561934e089" requirePermission="false" />',
  '    </sectionGroup>',
  '  </configSections>',
  '  <appSettings>',
  '    <add key="MfaSdkUserName" value="CONTOSO\\svc-timesheets" />',
  `    <add key="MfaSdkPassword" value="${LAB_CONSUMER_PASSWORDS[0]}" />`,
  '  </appSettings>',
  '  <applicationSettings>',
  '    <Timesheets.Properties.Settings>',
  '      <setting name="Timesheets_MfaSdk_PfWsSdk" serializeAs="String">',
  `        <value>${OLD_SDK}</value>`,
  '      </setting>',
  '    </Timesheets.Properties.Settings>',
  '  </applicationSettings>',
  '  <!-- before the move: https://127.0.0.5/PhoneFactorWebServiceSdk/PfWsSdk.asmx -->',
  '  <system.web>',
  '    <compilation targetFramework="4.5" />',
  '  </system.web>',
  '</configuration>',
];

/**
 * An application whose connectionStrings section is encrypted with aspnet_regiis -pef (the shape protected
 * configuration writes: configProtectionProvider and an <EncryptedData> element, here with a made-up cipher value).
 * Its SDK URL in appSettings is plain text, but the encrypted section could hold one too.
 */
const ENCRYPTED_WEB_CONFIG = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<configuration>',
  '  <appSettings>',
  `    <add key="MfaSdkUrl" value="${OLD_SDK}" />`,
  '  </appSettings>',
  '  <connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">',
  '    <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns="http://www.w3.org/2001/04/xmlenc#">',
  '      <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc" />',
  '      <CipherData>',
  '        <CipherValue>bGFiIGNpcGhlciwgbm90IGEgcmVhbCBvbmU=</CipherValue>',
  '      </CipherData>',
  '    </EncryptedData>',
  '  </connectionStrings>',
  '</configuration>',
];

/**
 * MultiFactorAuthenticationAdfsAdapter.config. The node names are S9's (UseWebServiceSdk, WebServiceSdkUrl,
 * WebServiceSdkUsername, WebServiceSdkPassword, WebServiceSdkCertificateThumbprint); the root element's name and
 * the XML declaration are an INFERENCE (S9 shows no whole file). Here the URL uses the SDK server's IP address,
 * the mistake S3a warns about.
 */
const ADFS_ADAPTER_CONFIG = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<ConfigurationData xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">',
  '  <UseWebServiceSdk>true</UseWebServiceSdk>',
  '  <WebServiceSdkUrl>https://127.0.0.5/PhoneFactorWebServiceSdk/PfWsSdk.asmx</WebServiceSdkUrl>',
  '  <WebServiceSdkUsername>CONTOSO\\svc-adfs-mfa</WebServiceSdkUsername>',
  `  <WebServiceSdkPassword>${LAB_CONSUMER_PASSWORDS[1]}</WebServiceSdkPassword>`,
  '  <WebServiceSdkCertificateThumbprint></WebServiceSdkCertificateThumbprint>',
  '</ConfigurationData>',
];

/**
 * MIM's MfaSettings.xml. The element names are M6's (LICENSE_KEY, GROUP_KEY, CERT_PASSWORD, CertFilePath cleared;
 * Username, LOCMFA, LOCMFASRV, with M6's example port 9999); the root element's name is an INFERENCE. Port 9999 is
 * not bound by the SDK's site in this lab: HostNotBound.
 */
const MIM_SETTINGS = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<MfaSettings>',
  '  <LICENSE_KEY></LICENSE_KEY>',
  '  <GROUP_KEY></GROUP_KEY>',
  '  <CERT_PASSWORD></CERT_PASSWORD>',
  '  <CertFilePath></CertFilePath>',
  '  <Username>mimservice@contoso.com</Username>',
  '  <LOCMFA>true</LOCMFA>',
  '  <LOCMFASRV>https://mfa01.contoso.com:9999/PhoneFactorWebServiceSdk/PfWsSdk.asmx</LOCMFASRV>',
  '</MfaSettings>',
];

const crlf = (lines: string[]) => Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');

/** Puts APP01's consumers in place: a second IIS site with the application, the AD FS adapter config, MfaSettings.xml. */
export async function placeSdkConsumers(lab: LabHost): Promise<void> {
  const iis = applicationHostFromSections({
    sites: [
      {
        name: LOB_SITE.name,
        id: '2',
        bindings: [{ protocol: 'https', bindingInformation: LOB_SITE.binding }],
        applications: [
          { path: LOB_SITE.path, applicationPool: null, rawPhysicalPath: LOB_SITE.folder, xml: '' },
          { path: ENCRYPTED_APP.path, applicationPool: null, rawPhysicalPath: ENCRYPTED_APP.folder, xml: '' },
        ],
      },
    ],
    applicationPools: [],
  });
  await lab.placeFile(APPLICATION_HOST_CONFIG, Buffer.from(iis, 'utf8'));
  await lab.placeFile(`${LOB_SITE.folder}\\web.config`, crlf(LOB_WEB_CONFIG));
  await lab.placeFile(`${ENCRYPTED_APP.folder}\\web.config`, crlf(ENCRYPTED_WEB_CONFIG));
  await lab.placeFile(ADFS_ADAPTER_CONFIG_PATH, crlf(ADFS_ADAPTER_CONFIG));
  await lab.placeFile(MIM_SETTINGS_PATH, crlf(MIM_SETTINGS));
}
