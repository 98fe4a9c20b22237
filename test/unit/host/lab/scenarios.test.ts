import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createLab } from '../../../../core/host/lab/scenarios';
import { openLab, openLabServer, resolveTargetPath } from '../../../../core/host/lab/open-lab';
import { listWebApplications } from '../../../../core/host/iis';
import { readDataFile } from '../../../../core/host/lab/data-file';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../../../../core/domain/catalog';
import { isCoreError } from '../../../../core/util/errors';
import { newLab, tempDir, text } from './helpers';

const UNINSTALL = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';

async function displayNames(host: Awaited<ReturnType<typeof newLab>>['hosts'][number], view: '32' | '64') {
  const root = await host.getRegistryKey(UNINSTALL, view);
  const names: string[] = [];
  for (const sub of root?.subkeys ?? []) {
    const key = await host.getRegistryKey(`${UNINSTALL}\\${sub}`, view);
    const dn = key?.values.find((v) => v.name === 'DisplayName');
    if (dn && key?.values.some((v) => v.name === 'WindowsInstaller' && v.data === 1)) names.push(String(dn.data));
  }
  return names.sort();
}

test('SingleServer: one 64-bit server with the agent, three web components, data, themes and media', async () => {
  const path = join(await tempDir(), 'lab');
  const out = await createLab(path, 'SingleServer');
  assert.deepEqual(out, [{ LabPath: path, ComputerName: 'MFA01', InstallerPath: 'C:\\Media\\MfaServer', Scenario: 'SingleServer', Notes: [] }]);
  const [host] = await openLab(path);
  assert.equal(host.is64Bit, true);
  assert.ok(existsSync(join(path, 'C', 'Program Files', 'PhoneFactor', 'Data', 'Phonefactor.pfdata')), 'drive C: is <lab>/C');
  assert.ok(existsSync(join(path, 'README.txt')));
  const key = await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  assert.equal(key?.values.find((v) => v.name === 'InstallPath')?.data, 'C:\\Program Files\\PhoneFactor\\');
  const raw = await readFile(join(path, 'registry.reg'));
  assert.deepEqual([...raw.subarray(0, 2)], [0xff, 0xfe], 'registry.reg is UTF-16LE with BOM like regedit writes');
  assert.match(raw.toString('utf16le'), /\[HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Positive Networks\\PhoneFactor\]/);
  assert.deepEqual(await displayNames(host, '32'), ['Microsoft Visual C++ 2010  x86 Redistributable - 10.0.40219', 'PhoneFactor Agent', 'PhoneFactor Web Service SDK']);
  assert.deepEqual(await displayNames(host, '64'), ['PhoneFactor Phone App Web Service', 'PhoneFactor User Portal']);
  assert.deepEqual((await host.getService('pfsvc'))?.state, 'Running');
  const apps = (await listWebApplications(host)).map((a) => [a.applicationPath, a.physicalPath]);
  assert.deepEqual(apps, [
    ['/', 'C:\\inetpub\\wwwroot'],
    ['/PhoneFactor', 'C:\\inetpub\\wwwroot\\PhoneFactor'],
    ['/PhoneFactorPhoneAppWebService', 'C:\\inetpub\\wwwroot\\PhoneFactorPhoneAppWebService'],
    ['/PhoneFactorWebServiceSdk', 'C:\\inetpub\\wwwroot\\PhoneFactorWebServiceSdk'],
  ]);
  const portal = await host.readFile('C:\\inetpub\\wwwroot\\PhoneFactor\\web.config');
  assert.deepEqual([...portal.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'BOM');
  const portalText = portal.toString('utf8');
  assert.ok(portalText.includes('\r\n') && !/[^\r]\n/.test(portalText), 'CRLF');
  assert.match(portalText, /<!--/);
  assert.match(portalText, /key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="S3cr3t!Pass"/);
  assert.match(portalText, /<setting name="pfup_pfwssdk_PfWsSdk" serializeAs="String">\r\n\s*<value>https:\/\/mfa01\.contoso\.com\/PhoneFactorWebServiceSdk\/PfWsSdk\.asmx<\/value>/);
  assert.match(await text(host, 'C:\\inetpub\\wwwroot\\PhoneFactorPhoneAppWebService\\web.config'), /pfpaws_pfwssdk_PfWsSdk/);
  for (const f of ['Contoso\\Contoso.css', 'Contoso\\Contoso.skin', 'Default\\Default.css']) {
    assert.ok(await host.stat(`C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\${f}`), f);
  }
  const data = readDataFile(await host.readFile('C:\\Program Files\\PhoneFactor\\Data\\PhoneFactor.pfdata'));
  assert.equal(data?.schema, 5);
  assert.ok(data?.users.some((u) => u.displayName.includes('Zürich')));
  assert.ok((await host.listDirectory('C:\\Program Files\\PhoneFactor\\Data')).length >= 2, 'data file plus activation state');
  const media = (await host.listDirectory('C:\\Media\\MfaServer')).map((e) => e.name).sort();
  assert.ok(media.includes('MultiFactorAuthenticationServerSetup.exe'));
  assert.equal(media.filter((m) => m.endsWith('.msi')).length, 6, 'both bitnesses of the three web components');
});

test('SeparateWebServer: MFA01 (agent + SDK) and a 32-bit WEB01 (portal + mobile app using the SDK by URL)', async () => {
  const path = join(await tempDir(), 'lab');
  const out = await createLab(path, 'SeparateWebServer');
  assert.deepEqual(out.map((s) => [s.ComputerName, s.LabPath]), [['MFA01', join(path, 'MFA01')], ['WEB01', join(path, 'WEB01')]]);
  const hosts = await openLab(path);
  assert.deepEqual(hosts.map((h) => [h.computerName, h.is64Bit]), [['MFA01', true], ['WEB01', false]]);
  const [mfa, web] = hosts;
  assert.deepEqual((await listWebApplications(mfa)).map((a) => a.applicationPath), ['/', '/PhoneFactorWebServiceSdk']);
  assert.deepEqual((await listWebApplications(web)).map((a) => a.applicationPath), ['/', '/PhoneFactor', '/PhoneFactorPhoneAppWebService']);
  const portal = await text(web, 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config');
  assert.match(portal, /key="USE_WEB_SERVICE_SDK" value="true"/);
  assert.match(portal, /https:\/\/mfa01\.contoso\.com\/PhoneFactorWebServiceSdk\/PfWsSdk\.asmx/);
  // 32-bit Windows has no WOW6432Node: both views are the same keys.
  assert.match((await readFile(join(path, 'WEB01', 'registry.reg'))).toString('utf16le'), /\[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\\{8D1C3A52/);
  assert.deepEqual(await displayNames(web, '32'), await displayNames(web, '64'));
  assert.equal(await web.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW), undefined, 'no agent on WEB01');
  assert.equal((await openLabServer(path, 'web01')).computerName, 'WEB01');
});

test('AgentOnly: agent and data, no IIS', async () => {
  const { hosts } = await newLab('AgentOnly');
  assert.equal(hosts.length, 1);
  assert.deepEqual(await listWebApplications(hosts[0]), []);
  assert.ok(await hosts[0].stat('C:\\Program Files\\PhoneFactor\\Data\\Phonefactor.pfdata'));
});

test('CustomNames: install path D:\\PhoneFactor and non-default vdirs and folders', async () => {
  const { path, hosts } = await newLab('CustomNames');
  const [host] = hosts;
  assert.ok(existsSync(join(path, 'D', 'PhoneFactor', 'Data', 'Phonefactor.pfdata')), 'drive D: is <lab>/D');
  const key = await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  assert.equal(key?.values.find((v) => v.name === 'InstallPath')?.data, 'D:\\PhoneFactor\\');
  assert.deepEqual(
    (await listWebApplications(host)).map((a) => [a.applicationPath, a.physicalPath]).slice(1),
    [
      ['/MFAPortal', 'D:\\WebApps\\MFAPortal'],
      ['/MFAMobile', 'D:\\WebApps\\MFAMobile'],
      ['/MFASdk', 'D:\\WebApps\\MFASdk'],
    ],
  );
  assert.match(await text(host, 'D:\\WebApps\\MFAPortal\\web.config'), /https:\/\/pfsrv01\.contoso\.com\/MFASdk\/PfWsSdk\.asmx/);
});

test('an existing folder is refused without -Force, replaced with it only when it is a lab', async () => {
  const base = await tempDir();
  const lab = join(base, 'lab');
  await createLab(lab, 'AgentOnly');
  await assert.rejects(createLab(lab, 'SingleServer'), (e: unknown) => isCoreError(e) && e.code === 'LabExists');
  const out = await createLab(lab, 'SingleServer', { force: true });
  assert.equal(out[0].Scenario, 'SingleServer');
  assert.ok((await openLab(lab))[0].stat('C:\\inetpub\\wwwroot\\PhoneFactor\\web.config'));

  const precious = join(base, 'precious');
  await mkdir(precious);
  await writeFile(join(precious, 'keep.txt'), 'mine');
  await assert.rejects(createLab(precious, 'SingleServer', { force: true }), (e: unknown) => isCoreError(e) && e.code === 'NotALab');
  assert.equal(await readFile(join(precious, 'keep.txt'), 'utf8'), 'mine', 'a non-lab folder is never deleted');

  const empty = join(base, 'empty');
  await mkdir(empty);
  await createLab(empty, 'AgentOnly');
  assert.ok(existsSync(join(empty, 'server.json')), 'an empty folder is used as is');
});

test('openLab: LabNotFound and NotALab', async () => {
  const base = await tempDir();
  await assert.rejects(openLab(join(base, 'nothing')), (e: unknown) => isCoreError(e) && e.code === 'LabNotFound');
  await assert.rejects(openLab(base), (e: unknown) => isCoreError(e) && e.code === 'NotALab');
});

test('path rule: Windows paths resolve inside the lab, other paths are local', async () => {
  const { path, hosts } = await newLab('AgentOnly');
  const inside = resolveTargetPath(hosts[0], 'C:\\Backups\\pf');
  assert.deepEqual(inside, { localPath: join(path, 'C', 'Backups', 'pf'), insideLab: true });
  const outside = resolveTargetPath(hosts[0], '/tmp/backups');
  assert.deepEqual(outside, { localPath: '/tmp/backups', insideLab: false });
});
