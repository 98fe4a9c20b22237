/**
 * A lab server's %windir%\System32\inetsrv\config\applicationHost.config: the real IIS layout, trimmed to the
 * sections that matter here (application pools, sites with their applications and bindings, defaults).
 */
export interface LabIisApplication {
  path: string;
  /** As it should appear in the file (may use %SystemDrive%). */
  physicalPath: string;
  applicationPool?: string;
}

export function applicationHostConfig(apps: LabIisApplication[]): string {
  const appLines = apps.flatMap((a) => [
    `                <application path="${a.path}"${a.applicationPool ? ` applicationPool="${a.applicationPool}"` : ''}>`,
    `                    <virtualDirectory path="/" physicalPath="${a.physicalPath}" />`,
    '                </application>',
  ]);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!--',
    '    IIS configuration of a lab server (MfaServerUpgrade). Same layout as the file IIS keeps in',
    '    %windir%\\System32\\inetsrv\\config; only the sections the upgrade reads are present.',
    '-->',
    '<configuration>',
    '    <configSections>',
    '        <sectionGroup name="system.applicationHost">',
    '            <section name="applicationPools" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />',
    '            <section name="sites" allowDefinition="AppHostOnly" overrideModeDefault="Deny" />',
    '        </sectionGroup>',
    '    </configSections>',
    '    <system.applicationHost>',
    '        <applicationPools>',
    '            <add name="DefaultAppPool" managedRuntimeVersion="v4.0" />',
    '            <add name=".NET v2.0" managedRuntimeVersion="v2.0" />',
    '            <add name=".NET v4.5" managedRuntimeVersion="v4.0" />',
    '            <applicationPoolDefaults managedRuntimeVersion="v4.0">',
    '                <processModel identityType="ApplicationPoolIdentity" />',
    '            </applicationPoolDefaults>',
    '        </applicationPools>',
    '        <sites>',
    '            <site name="Default Web Site" id="1">',
    '                <application path="/">',
    '                    <virtualDirectory path="/" physicalPath="%SystemDrive%\\inetpub\\wwwroot" />',
    '                </application>',
    ...appLines,
    '                <bindings>',
    '                    <binding protocol="http" bindingInformation="*:80:" />',
    '                    <binding protocol="https" bindingInformation="*:443:" />',
    '                </bindings>',
    '            </site>',
    '            <siteDefaults>',
    '                <logFile logFormat="W3C" directory="%SystemDrive%\\inetpub\\logs\\LogFiles" />',
    '            </siteDefaults>',
    '            <applicationDefaults applicationPool="DefaultAppPool" />',
    '            <virtualDirectoryDefaults allowSubDirConfig="true" />',
    '        </sites>',
    '    </system.applicationHost>',
    '</configuration>',
  ];
  return lines.join('\r\n') + '\r\n';
}
