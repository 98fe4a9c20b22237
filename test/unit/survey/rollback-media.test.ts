/**
 * Rollback media on lab servers: the lab's Windows Installer caches each package as Windows does (without embedded
 * cabinets, no external cabinet beside it) and names the original media in the SourceList; the survey judges each
 * candidate and chooses a verified one.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { newLab } from '../host/lab/helpers';
import type { LabHost } from '../../../core/host/lab/lab-host';
import { inventoryServer } from '../../../core/survey/inventory';
import { findRollbackMedia, type ProductRollbackMedia } from '../../../core/survey/rollback-media';
import { installPropertiesKey, packedGuid, sourceListKey } from '../../../core/host/installer-registration';
import { readMsi } from '../../../core/msi/reader';
import { labMediaFile } from '../../../core/host/lab/media';

const PF_MEDIA = 'assets/lab-media/phonefactor';

async function media(host: LabHost, mediaPath?: string): Promise<ProductRollbackMedia[]> {
  return findRollbackMedia(host, (await inventoryServer(host)).Components, { mediaPath });
}

const byComponent = (rows: ProductRollbackMedia[], c: string) => {
  const r = rows.find((x) => x.component === c);
  assert.ok(r, c);
  return r;
};

test('SingleServer: each PhoneFactor product is verified from its original media; the cached package lacks its cabinets', async () => {
  const { hosts: [host] } = await newLab('SingleServer');
  const rows = await media(host);
  assert.deepEqual(rows.map((r) => r.component).sort(), ['Agent', 'MobileAppWebService', 'UserPortal', 'WebServiceSdk']);
  for (const r of rows) {
    assert.equal(r.verdict, 'Verified', `${r.component}: ${JSON.stringify(r.candidates)}`);
    assert.equal(r.chosen?.source, 'OriginalSource');
    assert.match(r.chosen?.packagePath ?? '', /^C:\\Users\\Administrator\\Downloads\\PhoneFactor\\PhoneFactor.*\.msi$/);
    const cached = r.candidates.find((c) => c.source === 'CachedPackage');
    assert.equal(cached?.verdict, 'CabinetMissing', `${r.component}: Windows caches no cabinet`);
    assert.match(cached?.packagePath ?? '', /^C:\\Windows\\Installer\\[0-9a-f]{8}\.msi$/);
  }
  // An external cabinet travels with the package; an embedded one is inside it.
  assert.deepEqual(byComponent(rows, 'UserPortal').chosen?.cabinetPaths, ['C:\\Users\\Administrator\\Downloads\\PhoneFactor\\PFUP64.CAB']);
  assert.deepEqual(byComponent(rows, 'Agent').chosen?.cabinetPaths, []);
  // What a reinstall needs: the web application's site and vdir, the vdir property found in the package, and the folder
  // (a web application's folder need not be <site root>\<vdir>: CustomNames): all inferences.
  const portal = byComponent(rows, 'UserPortal').reinstall;
  assert.equal(portal.virtualDirectory, 'PhoneFactor');
  assert.equal(portal.site, 'Default Web Site');
  assert.deepEqual(portal.properties.map((p) => [p.name, p.value]), [
    ['TARGETVDIR', 'PhoneFactor'],
    ['TARGETSITE', 'Default Web Site'],
    ['INSTALLDIR', 'C:\\inetpub\\wwwroot\\PhoneFactor'],
  ]);
  assert.ok(portal.properties.every((p) => p.basis.startsWith('Inference')));
  assert.equal(portal.recorded.InstallSource, 'C:\\Users\\Administrator\\Downloads\\PhoneFactor\\');
  const agent = byComponent(rows, 'Agent').reinstall;
  assert.equal(agent.installFolder, 'C:\\Program Files\\PhoneFactor');
  assert.deepEqual(agent.properties.map((p) => [p.name, p.value]), [['INSTALLDIR', 'C:\\Program Files\\PhoneFactor']]);
});

test('the lab records what Windows records: LocalPackage, a SourceList, a cached copy without the embedded cabinet', async () => {
  const { hosts: [host] } = await newLab('SingleServer');
  const packed = packedGuid('{4B2F6E1A-7C3D-4E59-9A10-5F2B8C6D7E01}')!;
  const props = await host.getRegistryKey(installPropertiesKey(packed), '64');
  const local = props?.values.find((v) => v.name === 'LocalPackage')?.data;
  assert.equal(typeof local, 'string');
  const cached = readMsi(await host.readFile(String(local)), String(local));
  assert.equal(cached.productCode, '{4B2F6E1A-7C3D-4E59-9A10-5F2B8C6D7E01}');
  assert.deepEqual(cached.cabinets.map((c) => c.stream), ['Missing']);
  const original = readFileSync(labMediaFile(PF_MEDIA, 'PhoneFactorAgentSetup.msi'));
  assert.ok((await host.readFile('C:\\Users\\Administrator\\Downloads\\PhoneFactor\\PhoneFactorAgentSetup.msi')).equals(original));
  const sources = await host.getRegistryKey(sourceListKey(packed), '64');
  assert.equal(sources?.values.find((v) => v.name === 'PackageName')?.data, 'PhoneFactorAgentSetup.msi');
  assert.equal(sources?.values.find((v) => v.name === 'LastUsedSource')?.data, 'n;1;C:\\Users\\Administrator\\Downloads\\PhoneFactor\\');
});

test('uninstall deletes the cached package and its records, as Windows Installer does', async () => {
  const { hosts: [host] } = await newLab('AgentOnly');
  const packed = packedGuid('{4B2F6E1A-7C3D-4E59-9A10-5F2B8C6D7E01}')!;
  const local = String((await host.getRegistryKey(installPropertiesKey(packed), '64'))?.values.find((v) => v.name === 'LocalPackage')?.data);
  assert.ok(await host.stat(local));
  const r = await host.runMsiexec({ operation: 'uninstall', productCode: '{4B2F6E1A-7C3D-4E59-9A10-5F2B8C6D7E01}', logPath: 'C:\\Windows\\Temp\\x.log' });
  assert.equal(r.exitCode, 0);
  assert.equal(await host.stat(local), undefined);
  assert.equal(await host.getRegistryKey(installPropertiesKey(packed), '64'), undefined);
  assert.equal(await host.getRegistryKey(sourceListKey(packed), '64'), undefined);
});

test('CachedPackageOnly: the cached packages lack their cabinets, so no product has a verified package', async () => {
  const { hosts: [host] } = await newLab('CachedPackageOnly');
  const rows = await media(host);
  assert.equal(rows.length, 4);
  for (const r of rows) {
    assert.equal(r.verdict, 'NoVerifiedPackage', r.component);
    assert.equal(r.chosen, null);
    assert.equal(r.candidates.find((c) => c.source === 'CachedPackage')?.verdict, 'CabinetMissing');
    assert.equal(r.candidates.find((c) => c.source === 'OriginalSource')?.verdict, 'NotFound');
  }
  // The portal's cabinet was never cached (external); the agent's was removed from the copy (embedded).
  assert.match(byComponent(rows, 'UserPortal').candidates.find((c) => c.source === 'CachedPackage')!.detail, /cabinet C:\\Windows\\Installer\\PFUP64\.CAB is missing/);
  assert.match(byComponent(rows, 'Agent').candidates.find((c) => c.source === 'CachedPackage')!.detail, /embedded cabinet #pfagent\.cab is not in the package/);
});

test('NoCachedPackage: LocalPackage names a file that is gone', async () => {
  const { hosts: [host] } = await newLab('NoCachedPackage');
  for (const r of await media(host)) {
    assert.equal(r.verdict, 'NoVerifiedPackage');
    assert.equal(r.candidates.find((c) => c.source === 'CachedPackage')?.verdict, 'NotFound');
  }
});

test('-RollbackMediaPath with the right MSIs (and the portal\'s cabinet) verifies every product; wrong ones say why', async () => {
  const { hosts: [host] } = await newLab('CachedPackageOnly');
  const folder = 'C:\\Media\\PhoneFactor';
  const put = async (name: string) => host.placeFile(`${folder}\\${name}`, readFileSync(labMediaFile(PF_MEDIA, name)));
  for (const f of ['PhoneFactorAgentSetup.msi', 'PhoneFactorUserPortalSetup64.msi', 'PhoneFactorPhoneAppWebServiceSetup64.msi', 'PhoneFactorWebServiceSdkSetup.msi']) {
    await put(f);
  }
  await put('PFSDK.CAB');
  // The portal without its cabinet: not installable.
  let rows = await media(host, folder);
  assert.equal(byComponent(rows, 'UserPortal').verdict, 'NoVerifiedPackage');
  assert.equal(byComponent(rows, 'UserPortal').candidates[0].verdict, 'CabinetMissing');
  for (const c of ['Agent', 'MobileAppWebService', 'WebServiceSdk']) {
    assert.equal(byComponent(rows, c).chosen?.source, 'GivenMedia', c);
  }
  await put('PFUP64.CAB');
  rows = await media(host, folder);
  assert.ok(rows.every((r) => r.verdict === 'Verified' && r.chosen?.source === 'GivenMedia'));
  // A cabinet file that is not a cabinet does not count.
  await host.writeFileAtomic(`${folder}\\PFUP64.CAB`, Buffer.from('not a cabinet'));
  rows = await media(host, folder);
  assert.match(byComponent(rows, 'UserPortal').candidates[0].detail, /PFUP64\.CAB is not a cabinet file/);
});

test('the x86 build of a product installed as x64 does not count (wrong platform), nor another version', async () => {
  const { hosts: [host] } = await newLab('CachedPackageOnly');
  const folder = 'C:\\Media\\PhoneFactor';
  await host.placeFile(`${folder}\\PhoneFactorUserPortalSetup32.msi`, readFileSync(labMediaFile(PF_MEDIA, 'PhoneFactorUserPortalSetup32.msi')));
  await host.placeFile(`${folder}\\PFUP32.CAB`, readFileSync(labMediaFile(PF_MEDIA, 'PFUP32.CAB')));
  const portal = byComponent(await media(host, folder), 'UserPortal');
  assert.equal(portal.candidates[0].verdict, 'WrongPlatform');
  assert.match(portal.candidates[0].detail, /x86 package; the installed product is the x64 one/);
  // The installed version changes (a patch the package does not carry): the package is the wrong version now.
  const sdkKey = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{2A7F9C1E-5B3D-4E8A-9C6F-1D2E3F4A5B04}';
  await host.setRegistryValue(sdkKey, '32', { name: 'DisplayVersion', type: 'REG_SZ', data: '5.2.2.0' });
  await host.placeFile(`${folder}\\PhoneFactorWebServiceSdkSetup.msi`, readFileSync(labMediaFile(PF_MEDIA, 'PhoneFactorWebServiceSdkSetup.msi')));
  const sdk = byComponent(await media(host, folder), 'WebServiceSdk');
  assert.equal(sdk.candidates[0].verdict, 'WrongVersion');
});

test('SeparateWebServer: the 32-bit web server\'s products verify from their x86 builds', async () => {
  const { hosts } = await newLab('SeparateWebServer');
  const web = hosts.find((h) => h.computerName === 'WEB01')!;
  const rows = await media(web);
  assert.deepEqual(rows.map((r) => [r.component, r.verdict]).sort(), [['MobileAppWebService', 'Verified'], ['UserPortal', 'Verified']]);
  assert.match(byComponent(rows, 'UserPortal').chosen!.packagePath, /Setup32\.msi$/);
});
