/**
 * The lab's msiexec installs a PhoneFactor-era package (what a rollback reinstalls from a backup's RollbackMedia) as
 * Windows Installer would: into the INSTALLDIR / IIS target given, registered with its cached package, and refused
 * when a cabinet is missing. The product it installs is the product the lab was built with.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { listWebApplications } from '../../../../core/host/iis';
import { LEGACY_PRODUCTS } from '../../../../core/host/lab/legacy-products';
import type { LabHost } from '../../../../core/host/lab/lab-host';
import { ORIGINAL_MEDIA_PATH } from '../../../../core/host/lab/original-media';
import { installPropertiesKey, packedGuid, sourceListKey } from '../../../../core/host/installer-registration';
import { PRODUCT_KEY, PRODUCT_KEY_VIEW } from '../../../../core/domain/catalog';
import { newLab, text } from './helpers';

const UNINSTALL = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
const LOG = 'C:\\Windows\\Temp\\rollback.log';
const ROLLBACK = 'C:\\Rollback';

const uninstall = (host: LabHost, productCode: string) => host.runMsiexec({ operation: 'uninstall', productCode, logPath: LOG });
const install = (host: LabHost, packagePath: string, properties: Record<string, string> = {}) =>
  host.runMsiexec({ operation: 'install', packagePath, properties, logPath: LOG });
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Copies a package (and the files named) out of the original media into a folder of its own, as a rollback stages it. */
async function stage(host: LabHost, file: string, cabinets: string[] = []): Promise<string> {
  await host.makeDirectory(ROLLBACK);
  for (const f of [file, ...cabinets]) await host.writeFileAtomic(`${ROLLBACK}\\${f}`, await host.readFile(`${ORIGINAL_MEDIA_PATH}\\${f}`));
  return `${ROLLBACK}\\${file}`;
}

async function record(host: LabHost, code: string) {
  return structuredClone((await host.readConfig()).installerDatabase[code]);
}

async function uninstallValues(host: LabHost, code: string, view: '32' | '64') {
  const key = await host.getRegistryKey(`${UNINSTALL}\\${code}`, view);
  // Where it was installed from, and when, are what a reinstall changes (Windows records them too).
  return key?.values.filter((v) => !['InstallSource', 'InstallDate'].includes(v.name));
}

async function cachedPackageHash(host: LabHost, code: string): Promise<string | undefined> {
  const props = await host.getRegistryKey(installPropertiesKey(packedGuid(code)!), '64');
  const local = props?.values.find((v) => v.name === 'LocalPackage')?.data;
  return typeof local === 'string' ? sha(await host.readFile(local)) : undefined;
}

test('the Agent package reinstalls into INSTALLDIR as the product the lab was built with', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const code = LEGACY_PRODUCTS.Agent.productCode;
  const built = await record(host, code);
  const builtFiles = await Promise.all(built.files.map(async (f) => sha(await host.readFile(f))));
  const builtValues = await uninstallValues(host, code, '32');
  const builtCache = await cachedPackageHash(host, code);
  const packagePath = await stage(host, 'PhoneFactorAgentSetup.msi');

  assert.equal((await uninstall(host, code)).exitCode, 0);
  const r = await install(host, packagePath, { INSTALLDIR: 'C:\\Program Files\\PhoneFactor' });
  assert.equal(r.exitCode, 0, await text(host, LOG));
  assert.deepEqual(await record(host, code), built, 'files, folders, service and registry view as built');
  assert.deepEqual(await Promise.all(built.files.map(async (f) => sha(await host.readFile(f)))), builtFiles);
  assert.deepEqual(await uninstallValues(host, code, '32'), builtValues);
  assert.equal(await cachedPackageHash(host, code), builtCache, 'cached without its cabinets, as at build time');
  const source = await host.getRegistryKey(`${sourceListKey(packedGuid(code)!)}\\Net`, '64');
  assert.equal(source?.values[0].data, `${ROLLBACK}\\`, 'the SourceList names the folder it was installed from');
  const key = await host.getRegistryKey(PRODUCT_KEY, PRODUCT_KEY_VIEW);
  assert.equal(key?.values.find((v) => v.name === 'InstallPath')?.data, 'C:\\Program Files\\PhoneFactor\\');
  assert.equal((await host.getService('PFSVC'))?.state, 'Stopped', 'registered, not started: its data comes back first');
  assert.match(await text(host, LOG), /Installation success or error status: 0\./);
});

test('without INSTALLDIR the Agent goes where its Directory table leads (32-bit Program Files on 64-bit Windows)', async () => {
  const { hosts } = await newLab('AgentOnly');
  const [host] = hosts;
  const packagePath = await stage(host, 'PhoneFactorAgentSetup.msi');
  assert.equal((await uninstall(host, LEGACY_PRODUCTS.Agent.productCode)).exitCode, 0);
  assert.equal((await install(host, packagePath)).exitCode, 0);
  assert.ok(await host.stat('C:\\Program Files (x86)\\PhoneFactor Agent\\Pfsvc.exe'));
});

test('a web component reinstalls into its site, virtual directory and folder (CustomNames: outside the site root)', async () => {
  const { hosts } = await newLab('CustomNames');
  const [host] = hosts;
  const code = LEGACY_PRODUCTS.UserPortal.productCode;
  const built = await record(host, code);
  const builtApp = (await listWebApplications(host)).find((a) => a.applicationPath === '/MFAPortal');
  const packagePath = await stage(host, 'PhoneFactorUserPortalSetup64.msi', ['PFUP64.CAB']);
  assert.equal((await uninstall(host, code)).exitCode, 0);
  assert.equal((await listWebApplications(host)).find((a) => a.applicationPath === '/MFAPortal'), undefined);

  const r = await install(host, packagePath, { TARGETVDIR: 'MFAPortal', TARGETSITE: 'Default Web Site', INSTALLDIR: 'D:\\WebApps\\MFAPortal' });
  assert.equal(r.exitCode, 0, await text(host, LOG));
  assert.deepEqual(await record(host, code), built);
  const app = (await listWebApplications(host)).find((a) => a.applicationPath === '/MFAPortal');
  assert.deepEqual(
    { site: app?.siteName, path: app?.physicalPath, pool: app?.applicationPool },
    { site: builtApp?.siteName, path: builtApp?.physicalPath, pool: builtApp?.applicationPool },
  );
  assert.ok(await host.stat('D:\\WebApps\\MFAPortal\\App_Themes\\Contoso\\Contoso.css'), 'the custom theme it never installed is still there');
  // A second install of the same product is refused, as Windows Installer refuses it.
  assert.equal((await install(host, packagePath, { TARGETVDIR: 'Other' })).exitCode, 1638);
});

test("a cached package (embedded cabinet removed) cannot reinstall: 1603, error 1335 in the log, nothing installed", async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const code = LEGACY_PRODUCTS.Agent.productCode;
  const props = await host.getRegistryKey(installPropertiesKey(packedGuid(code)!), '64');
  const cached = String(props?.values.find((v) => v.name === 'LocalPackage')?.data);
  await host.makeDirectory(ROLLBACK);
  await host.writeFileAtomic(`${ROLLBACK}\\agent.msi`, await host.readFile(cached));
  assert.equal((await uninstall(host, code)).exitCode, 0);
  const r = await install(host, `${ROLLBACK}\\agent.msi`, { INSTALLDIR: 'C:\\Program Files\\PhoneFactor' });
  assert.equal(r.exitCode, 1603);
  assert.match(await text(host, LOG), /Error 1335\. The cabinet file 'pfagent\.cab' required for this installation is corrupt/);
  assert.equal(await record(host, code), undefined);
  assert.equal(await host.stat('C:\\Program Files\\PhoneFactor\\Pfsvc.exe'), undefined);
});

test('a package whose external cabinet is not beside it cannot install: 1603, error 1311 naming the cabinet', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const packagePath = await stage(host, 'PhoneFactorWebServiceSdkSetup.msi');
  assert.equal((await uninstall(host, LEGACY_PRODUCTS.WebServiceSdk.productCode)).exitCode, 0);
  const r = await install(host, packagePath, { TARGETVDIR: 'PhoneFactorWebServiceSdk' });
  assert.equal(r.exitCode, 1603);
  assert.match(await text(host, LOG), /Error 1311\. Source file not found: C:\\Rollback\\PFSDK\.CAB/);
  assert.equal(await record(host, LEGACY_PRODUCTS.WebServiceSdk.productCode), undefined);
});
