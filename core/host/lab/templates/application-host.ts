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

/**
 * applicationHost.config rebuilt from a backup's IIS sections: each site with its id and bindings, a root application,
 * and the backed-up <application> elements byte for byte; their pools beside the lab's default ones.
 */
export function applicationHostFromSections(sections: {
  sites: {
    name: string;
    id: string | null;
    bindings: { protocol: string; bindingInformation: string }[];
    applications: { path: string; applicationPool: string | null; rawPhysicalPath: string; xml: string }[];
  }[];
  applicationPools: { name: string; xml: string }[];
}): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  const base = applicationHostConfig([]);
  const defaults = ['DefaultAppPool', '.NET v2.0', '.NET v4.5'].map((n) => n.toLowerCase());
  const pools = sections.applicationPools.filter((p) => !defaults.includes(p.name.toLowerCase())).map((p) => `            ${p.xml}`);
  const siteLines: string[] = [];
  const hasDefault = sections.sites.some((s) => s.name.toLowerCase() === 'default web site');
  const all = hasDefault ? sections.sites : [
    { name: 'Default Web Site', id: '1', bindings: [{ protocol: 'http', bindingInformation: '*:80:' }], applications: [] },
    ...sections.sites,
  ];
  all.forEach((site, i) => {
    siteLines.push(`            <site name="${esc(site.name)}" id="${esc(site.id ?? String(i + 1))}">`);
    siteLines.push(
      '                <application path="/">',
      '                    <virtualDirectory path="/" physicalPath="%SystemDrive%\\inetpub\\wwwroot" />',
      '                </application>',
    );
    for (const app of site.applications) {
      if (app.xml) siteLines.push(`                ${app.xml}`);
      else siteLines.push(
        `                <application path="${esc(app.path)}"${app.applicationPool ? ` applicationPool="${esc(app.applicationPool)}"` : ''}>`,
        `                    <virtualDirectory path="/" physicalPath="${esc(app.rawPhysicalPath)}" />`,
        '                </application>',
      );
    }
    siteLines.push(
      '                <bindings>',
      ...site.bindings.map((b) => `                    <binding protocol="${esc(b.protocol)}" bindingInformation="${esc(b.bindingInformation)}" />`),
      '                </bindings>',
      '            </site>',
    );
  });
  const lines = base.split('\r\n');
  const sitesStart = lines.findIndex((l) => l.trim() === '<sites>');
  const siteEnd = lines.findIndex((l, i) => i > sitesStart && l.trim() === '</site>');
  const poolsDefaultsAt = lines.findIndex((l) => l.trim().startsWith('<applicationPoolDefaults'));
  const out = [...lines.slice(0, poolsDefaultsAt), ...pools, ...lines.slice(poolsDefaultsAt, sitesStart + 1), ...siteLines, ...lines.slice(siteEnd + 1)];
  return out.join('\r\n');
}
