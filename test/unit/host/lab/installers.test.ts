import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listWebApplications } from '../../../../core/host/iis';
import { readDataFile } from '../../../../core/host/lab/data-file';
import { LEGACY_PRODUCTS } from '../../../../core/host/lab/legacy-products';
import type { LabHost } from '../../../../core/host/lab/lab-host';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../../../../core/domain/catalog';
import { newLab, text } from './helpers';
import { parseLine } from '../../../../core/usage/line-parser';

const UNINSTALL = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const MEDIA = 'C:\\Media\\MfaServer';
const LOG = 'C:\\Windows\\Temp\\install.log';
const SETUP = `${MEDIA}\\MultiFactorAuthenticationServerSetup.exe`;

const uninstall = (host: LabHost, productCode: string) => host.runMsiexec({ operation: 'uninstall', productCode, logPath: LOG });
const install = (host: LabHost, msi: string, properties: Record<string, string> = {}) =>
  host.runMsiexec({ operation: 'install', packagePath: `${MEDIA}\\${msi}`, properties, logPath: LOG });

async function removeAllLegacy(host: LabHost): Promise<void> {
  for (const p of ['UserPortal', 'MobileAppWebService', 'WebServiceSdk', 'Agent'] as const) {
    assert.equal((await uninstall(host, LEGACY_PRODUCTS[p].productCode)).exitCode, 0, p);
  }
}

test('uninstall removes what the product installed, keeps custom themes, extras and the data folder', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  await host.writeFileAtomic('C:\\inetpub\\wwwroot\\PhoneFactor\\robots.txt', Buffer.from('admin added'));
  const r = await uninstall(host, LEGACY_PRODUCTS.UserPortal.productCode.toLowerCase());
  assert.equal(r.exitCode, 0);
  assert.equal(r.commandLine, `msiexec.exe /x ${LEGACY_PRODUCTS.UserPortal.productCode.toLowerCase()} /qn /norestart /l*v "${LOG}"`);
  assert.equal(await host.stat('C:\\inetpub\\wwwroot\\PhoneFactor\\web.config'), undefined, 'its web.config goes');
  assert.equal(await host.stat('C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Default'), undefined, 'its default theme goes');
  assert.equal(await host.stat('C:\\inetpub\\wwwroot\\PhoneFactor\\bin'), undefined, 'emptied folders go');
  assert.ok(await host.stat('C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso\\Contoso.css'), 'custom theme stays');
  assert.ok(await host.stat('C:\\inetpub\\wwwroot\\PhoneFactor\\robots.txt'), 'admin extras stay');
  assert.ok(!(await listWebApplications(host)).some((a) => a.applicationPath === '/PhoneFactor'), 'IIS application removed');
  assert.equal(await host.getRegistryKey(`${UNINSTALL}\\${LEGACY_PRODUCTS.UserPortal.productCode}`, '64'), undefined);

  assert.equal((await uninstall(host, LEGACY_PRODUCTS.Agent.productCode)).exitCode, 0);
  assert.equal(await host.getService('PFSVC'), undefined, "the agent's service goes");
  assert.equal(await host.stat('C:\\Program Files\\PhoneFactor\\Pfsvc.exe'), undefined);
  assert.ok(await host.stat('C:\\Program Files\\PhoneFactor\\Data\\Phonefactor.pfdata'), 'data file stays');
  assert.ok(await host.stat('C:\\Program Files\\PhoneFactor\\Data\\PfActivation.dat'), 'data folder stays whole');
  assert.ok(await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW), 'product key (InstallPath) survives for the new setup');
  assert.match(await text(host, LOG), /Installation success or error status: 0\./);
});

test('uninstall of an unknown product exits 1605', async () => {
  const { hosts } = await newLab('AgentOnly');
  const r = await uninstall(hosts[0], '{00000000-0000-0000-0000-000000000000}');
  assert.equal(r.exitCode, 1605);
  assert.match(await text(hosts[0], LOG), /status: 1605\./);
});

test('server setup reuses InstallPath, upgrades the data file keeping its users and name, copies the component MSIs', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const before = readDataFile(await host.readFile('C:\\Program Files\\PhoneFactor\\Data\\Phonefactor.pfdata'));
  const refused = await host.runSetup({ path: SETUP, arguments: ['/quiet'], logPath: LOG });
  assert.equal(refused.exitCode, 1638, 'the agent is still installed');
  await removeAllLegacy(host);
  const r = await host.runSetup({ path: SETUP, arguments: ['/quiet'], logPath: 'C:\\Windows\\Temp\\setup.log' });
  assert.equal(r.exitCode, 0);
  assert.equal(r.commandLine, `"${SETUP}" /quiet`);
  const names = (await host.listDirectory('C:\\Program Files\\PhoneFactor\\Data')).map((e) => e.name);
  assert.ok(names.includes('Phonefactor.pfdata') && !names.includes('PhoneFactor.pfdata'), 'the existing spelling is kept');
  const after = readDataFile(await host.readFile('C:\\Program Files\\PhoneFactor\\Data\\PhoneFactor.pfdata'));
  assert.equal(after?.schema, 8);
  assert.deepEqual(after?.users, before?.users);
  const key = await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  assert.equal(key?.values.find((v) => v.name === 'InstallPath')?.data, 'C:\\Program Files\\PhoneFactor\\');
  const msis = (await host.listDirectory('C:\\Program Files\\PhoneFactor')).map((e) => e.name).filter((n) => n.endsWith('.msi'));
  assert.equal(msis.length, 6);
  assert.deepEqual([(await host.getService('MultiFactorAuth'))?.state, (await host.getService('MultiFactorAuthAdSync'))?.state], ['Running', 'Stopped']);
  const uninstallKeys = (await host.getRegistryKey(UNINSTALL, '64'))?.subkeys ?? [];
  const names64: string[] = [];
  for (const k of uninstallKeys) {
    const v = (await host.getRegistryKey(`${UNINSTALL}\\${k}`, '64'))?.values.find((x) => x.name === 'DisplayName');
    if (v) names64.push(String(v.data));
  }
  assert.ok(names64.includes('Multi-Factor Authentication Server'), 'x64 product registered in the 64-bit view');
  // The setup appends to the service log in its grammar (domain/service-log.ts): the history before it is kept.
  const serviceLog = (await text(host, 'C:\\Program Files\\PhoneFactor\\Logs\\MultiFactorAuthSvc.log')).split('\r\n').filter(Boolean);
  assert.match(serviceLog.at(-2)!, /\|i\|\d+\|\d+\|pfsvc\|Multi-Factor Authentication Server service installed \(version /);
  assert.deepEqual(serviceLog.slice(-2).map((l) => parseLine(l).kind), ['other', 'other']);
  assert.ok(serviceLog.slice(0, -2).some((l) => parseLine(l).kind === 'authentication'), 'the authentications logged before the upgrade are kept');
  assert.match(await text(host, 'C:\\Windows\\Temp\\setup.log'), /Upgraded data file Phonefactor\.pfdata to schema 8/);
  assert.equal((await host.runSetup({ path: SETUP, arguments: [], logPath: LOG })).exitCode, 1638, 'already installed');
});

test('server setup on a fresh server uses the default path and creates a data file', async () => {
  const { hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  await uninstall(host, LEGACY_PRODUCTS.Agent.productCode);
  await host.deleteRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  assert.equal((await host.runSetup({ path: SETUP, arguments: [], logPath: LOG })).exitCode, 0);
  const data = readDataFile(await host.readFile('C:\\Program Files\\Multi-Factor Authentication Server\\Data\\PhoneFactor.pfdata'));
  assert.deepEqual(data, { schema: 8, users: [] });
  const key = await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  assert.equal(key?.values.find((v) => v.name === 'InstallPath')?.data, 'C:\\Program Files\\Multi-Factor Authentication Server\\');
});

test('web component install: new default vdir, fresh web.config, default theme, IIS application, registration', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const r = await install(host, 'MultiFactorAuthenticationUserPortalSetup64.msi');
  assert.equal(r.exitCode, 0);
  assert.equal(r.commandLine, `msiexec.exe /i "${MEDIA}\\MultiFactorAuthenticationUserPortalSetup64.msi" /qn /norestart /l*v "${LOG}"`);
  const app = (await listWebApplications(host)).find((a) => a.applicationPath === '/MultiFactorAuth');
  assert.equal(app?.physicalPath, 'C:\\inetpub\\wwwroot\\MultiFactorAuth');
  const config = await text(host, 'C:\\inetpub\\wwwroot\\MultiFactorAuth\\web.config');
  assert.match(config, /key="USE_WEB_SERVICE_SDK" value="false"/);
  assert.match(config, /key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value=""/);
  assert.match(config, /pfup_pfwssdk_PfWsSdk[\s\S]*https:\/\/www\.contoso\.com\/MultiFactorAuthWebServiceSdk\/PfWsSdk\.asmx/);
  assert.match(config, /targetFramework="4\.5"/);
  assert.ok(await host.stat('C:\\inetpub\\wwwroot\\MultiFactorAuth\\App_Themes\\Default\\Default.css'));
  const reg = await host.getRegistryKey(`${UNINSTALL}\\{61D3566C-A3A1-489D-96DB-303C7B91193E}`, '64');
  assert.equal(reg?.values.find((v) => v.name === 'DisplayName')?.data, 'Multi-Factor Authentication User Portal');
  assert.equal(reg?.values.find((v) => v.name === 'WindowsInstaller')?.data, 1);
  assert.equal((await install(host, 'MultiFactorAuthenticationUserPortalSetup64.msi')).exitCode, 1638, 'same product again');

  // The x86 SDK package registers in the 32-bit view; the mobile app service gets its own setting name.
  assert.equal((await install(host, 'MultiFactorAuthenticationWebServiceSdkSetup32.msi')).exitCode, 0);
  assert.ok(await host.getRegistryKey(`${UNINSTALL}\\{11B0F5E8-2068-463F-9AE7-176FCF9AA208}`, '32'));
  assert.equal(await host.getRegistryKey(`${UNINSTALL}\\{11B0F5E8-2068-463F-9AE7-176FCF9AA208}`, '64'), undefined);
  assert.equal((await install(host, 'MultiFactorAuthenticationMobileAppWebServiceSetup64.msi')).exitCode, 0);
  const mobile = await text(host, 'C:\\inetpub\\wwwroot\\MultiFactorAuthMobileAppWebService\\web.config');
  assert.match(mobile, /pfpaws_pfwssdk_PfWsSdk/);
  const sdk = await text(host, 'C:\\inetpub\\wwwroot\\MultiFactorAuthWebServiceSdk\\web.config');
  assert.doesNotMatch(sdk, /USE_WEB_SERVICE_SDK|pfwssdk_PfWsSdk/);
});

test('web component install with TARGETVDIR keeps the legacy name; the old folder keeps its custom theme', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  assert.equal((await install(host, 'MultiFactorAuthenticationUserPortalSetup64.msi', { TARGETVDIR: 'PhoneFactor' })).exitCode, 1603, 'the old portal still owns /PhoneFactor');
  await uninstall(host, LEGACY_PRODUCTS.UserPortal.productCode);
  const r = await install(host, 'MultiFactorAuthenticationUserPortalSetup64.msi', { TARGETVDIR: 'PhoneFactor' });
  assert.equal(r.exitCode, 0);
  assert.ok(r.commandLine.endsWith(' TARGETVDIR="PhoneFactor"'));
  const app = (await listWebApplications(host)).find((a) => a.applicationPath === '/PhoneFactor');
  assert.equal(app?.physicalPath, 'C:\\inetpub\\wwwroot\\PhoneFactor');
  assert.match(await text(host, 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config'), /value="false"/);
  assert.doesNotMatch(await text(host, 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config'), /S3cr3t!Pass/, 'a fresh default, not the old file');
  assert.ok(await host.stat('C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso\\Contoso.skin'));
  assert.ok(!(await listWebApplications(host)).some((a) => a.applicationPath === '/MultiFactorAuth'));
});

test('an x64 package on the 32-bit WEB01 exits 1633; the 32-bit one installs', async () => {
  const { hosts } = await newLab('SeparateWebServer');
  const web = hosts[1];
  await uninstall(web, LEGACY_PRODUCTS.UserPortal.productCode);
  assert.equal((await install(web, 'MultiFactorAuthenticationUserPortalSetup64.msi')).exitCode, 1633);
  assert.equal((await install(web, 'MultiFactorAuthenticationUserPortalSetup32.msi')).exitCode, 0);
  assert.ok(await web.getRegistryKey(`${UNINSTALL}\\{9E6A5689-8AA5-49B1-83B5-47B2F997BE30}`, '64'), 'native view of a 32-bit server');
});

test('a missing or non-MSI package fails with Windows Installer codes', async () => {
  const { hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  assert.equal((await install(host, 'Nope.msi')).exitCode, 1619);
  await host.writeFileAtomic(`${MEDIA}\\Fake.msi`, Buffer.from('not an MSI'));
  assert.equal((await install(host, 'Fake.msi')).exitCode, 1620);
});

test('faults: 1603 once for a component, 1618 twice, 3010 after a real install; counts persist', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const config = await host.readConfig();
  config.faults = {
    msiexec: [
      { match: 'UserPortal', exitCode: 1603, times: 1 },
      { match: 'WebServiceSdk', exitCode: 3010 },
      { match: LEGACY_PRODUCTS.Agent.productCode, exitCode: 1618, times: 2 },
    ],
  };
  await host.writeConfig(config);
  const portal = () => install(host, 'MultiFactorAuthenticationUserPortalSetup64.msi');
  assert.equal((await portal()).exitCode, 1603);
  assert.ok(!(await listWebApplications(host)).some((a) => a.applicationPath === '/MultiFactorAuth'), 'a failed run changes nothing');
  assert.equal((await portal()).exitCode, 0, 'the fault was used up');
  assert.equal((await install(host, 'MultiFactorAuthenticationWebServiceSdkSetup64.msi')).exitCode, 3010);
  assert.ok((await listWebApplications(host)).some((a) => a.applicationPath === '/MultiFactorAuthWebServiceSdk'), '3010 still installs');
  assert.equal((await uninstall(host, LEGACY_PRODUCTS.Agent.productCode)).exitCode, 1618);
  assert.equal((await uninstall(host, LEGACY_PRODUCTS.Agent.productCode)).exitCode, 1618);
  assert.ok(await host.getService('PFSVC'), 'still installed after 1618');
  assert.equal((await uninstall(host, LEGACY_PRODUCTS.Agent.productCode)).exitCode, 0);
  assert.match(await text(host, LOG), /Lab fault injected: exit code 1618/);

  const setupFault = await host.readConfig();
  setupFault.faults = { setup: [{ exitCode: 1603, times: 1 }] };
  await host.writeConfig(setupFault);
  await uninstall(host, LEGACY_PRODUCTS.UserPortal.productCode);
  await uninstall(host, LEGACY_PRODUCTS.MobileAppWebService.productCode);
  await uninstall(host, LEGACY_PRODUCTS.WebServiceSdk.productCode);
  assert.equal((await host.runSetup({ path: SETUP, arguments: [], logPath: LOG })).exitCode, 1603);
  assert.equal((await host.runSetup({ path: SETUP, arguments: [], logPath: LOG })).exitCode, 0);
});

test('secret-named properties are masked in the log but passed on the command line', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const r = await install(host, 'MultiFactorAuthenticationSdkNope.msi', { WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD: 'S3cr3t!Pass' });
  assert.ok(r.commandLine.includes('S3cr3t!Pass'));
  assert.doesNotMatch(await text(host, LOG), /S3cr3t!Pass/);
});
