// Test-MfaUpgradeReadiness's checks on lab servers, each with the fault the lab injects through server.json
// (core/host/lab/README.md) or the file an admin would have edited (web.config, applicationHost.config).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { newLab, tempDir } from '../../host/lab/helpers';
import type { LabHost } from '../../../../core/host/lab/lab-host';
import type { LabFaults } from '../../../../core/host/lab/server-file';
import { runReadiness } from '../../../../core/upgrade/readiness/run-readiness';
import type { ReadinessRow } from '../../../../core/domain/readiness-types';
import { CoreError } from '../../../../core/util/errors';

const MEDIA = 'C:\\Media\\MfaServer';

async function inject(host: LabHost, faults: LabFaults): Promise<void> {
  const config = await host.readConfig();
  config.faults = { ...config.faults, ...faults };
  await host.writeConfig(config);
}

async function check(hosts: LabHost[], destination?: string): Promise<ReadinessRow[]> {
  return runReadiness({ hosts, installerPath: MEDIA, backupDestination: destination ?? join(await tempDir(), 'backups') });
}

const rowsOf = (rows: ReadinessRow[], check: string, server?: string) =>
  rows.filter((r) => r.Check === check && (server === undefined || r.ComputerName === server));
const only = (rows: ReadinessRow[], check: string, server?: string) => {
  const found = rowsOf(rows, check, server);
  assert.equal(found.length, 1, `one ${check} row${server ? ` for ${server}` : ''}: ${JSON.stringify(found)}`);
  return found[0];
};

async function editText(host: LabHost, path: string, edit: (t: string) => string): Promise<void> {
  const text = (await host.readFile(path)).toString('utf8');
  const changed = edit(text);
  assert.notEqual(changed, text, `the edit of ${path} changed it`);
  await host.writeFileAtomic(path, Buffer.from(changed, 'utf8'));
}

test('a fresh lab of each scenario has no Failed check, and every row names its basis', async () => {
  for (const scenario of ['SingleServer', 'SeparateWebServer', 'AgentOnly', 'CustomNames'] as const) {
    const { hosts } = await newLab(scenario);
    const rows = await check(hosts);
    assert.deepEqual(rows.filter((r) => r.Result === 'Failed'), [], scenario);
    for (const r of rows) assert.ok(r.Basis.length > 10, `${scenario} ${r.Check} names its basis`);
    for (const c of ['Elevated', 'FreeSpace', 'BackupDestination', 'PendingRestart', 'InstallationInProgress']) {
      for (const h of hosts) assert.ok(rowsOf(rows, c, h.computerName).length >= 1, `${scenario}: ${c} for ${h.computerName}`);
    }
    assert.equal(only(rows, 'InstallerMedia').Result, 'Passed', scenario);
  }
});

test('low space on the install drive is Failed with the figures; the backup destination inside a lab is checked there', async () => {
  const { hosts } = await newLab('CustomNames');
  await inject(hosts[0], { freeSpace: { 'D:': 1024 * 1024 } });
  const rows = await check(hosts);
  const d = rowsOf(rows, 'FreeSpace').find((r) => r.Detail.startsWith('Drive D:'))!;
  assert.equal(d.Result, 'Failed');
  assert.match(d.Detail, /1\.0 MiB free/);
  assert.match(d.Detail, /estimate \+ 20 % \+ 200 MiB/);
  assert.match(d.Action ?? '', /Free at least/);
  assert.equal(rowsOf(rows, 'FreeSpace').find((r) => r.Detail.startsWith('Drive C:'))!.Result, 'Passed');

  // A destination on the lab's own D: drive reads the lab's (injected) free space.
  const inside = join(hosts[0].localPath('D:\\'), 'Backups');
  assert.equal(only(await check(hosts, inside), 'BackupDestination').Result, 'Failed');
});

test('each pending-restart indicator and a running installation are Failed', async () => {
  for (const indicator of ['ComponentBasedServicing', 'WindowsUpdate', 'PendingFileRenameOperations'] as const) {
    const { hosts } = await newLab();
    await inject(hosts[0], { pendingRestart: [indicator] });
    const rows = await check(hosts);
    const r = only(rows, 'PendingRestart');
    assert.equal(r.Result, 'Failed', indicator);
    assert.match(r.Action ?? '', /Restart the server/);
    assert.equal(only(rows, 'InstallationInProgress').Result, 'Passed');
  }
  const { hosts } = await newLab();
  await inject(hosts[0], { pendingRestart: ['InstallerInProgress'] });
  const rows = await check(hosts);
  assert.equal(only(rows, 'InstallationInProgress').Result, 'Failed');
  assert.equal(only(rows, 'PendingRestart').Result, 'Passed');
  // The fault lies over reads only: registry.reg itself is unchanged.
  assert.doesNotMatch((await hosts[0].loadRegistry()).format(), /InProgress/);
});

test('a missing VC++ 2015 runtime on a separate web server is Failed; the MFA server is not asked for it', async () => {
  const { hosts } = await newLab('SeparateWebServer');
  const web = hosts.find((h) => h.computerName === 'WEB01')!;
  assert.equal(only(await check(hosts), 'VcRuntime', 'WEB01').Result, 'Passed');
  await inject(web, { missingProducts: ['Visual C++ 2015 Redistributable (x86)'] });
  const rows = await check(hosts);
  const r = only(rows, 'VcRuntime', 'WEB01');
  assert.equal(r.Result, 'Failed');
  assert.match(r.Detail, /x86/);
  assert.equal(rowsOf(rows, 'VcRuntime', 'MFA01').length, 0);
});

test('an SDK URL with an IP address, or with a host the SDK site has no binding for, is Failed', async () => {
  const { hosts } = await newLab();
  const portal = 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config';
  await editText(hosts[0], portal, (t) => t.replace('https://mfa01.contoso.com/PhoneFactorWebServiceSdk', 'https://10.0.0.5/PhoneFactorWebServiceSdk'));
  let rows = await check(hosts);
  const ip = rowsOf(rows, 'SdkUrl').find((r) => r.Detail.startsWith('UserPortal'))!;
  assert.equal(ip.Result, 'Failed');
  assert.match(ip.Detail, /IP address 10\.0\.0\.5/);

  const { hosts: second } = await newLab();
  const appHost = 'C:\\Windows\\System32\\inetsrv\\config\\applicationHost.config';
  await editText(second[0], appHost, (t) => t.replace('bindingInformation="*:443:"', 'bindingInformation="*:443:portal.contoso.com"'));
  rows = await check(second);
  for (const r of rowsOf(rows, 'SdkUrl')) {
    assert.equal(r.Result, 'Failed');
    assert.match(r.Detail, /is not bound on MFA01/);
    assert.match(r.Action ?? '', /Add a https binding for mfa01\.contoso\.com:443/);
  }
});

test('the SDK service account: Passed when in PhoneFactor Admins, a Warning with the manual check otherwise', async () => {
  const { hosts } = await newLab();
  assert.ok(rowsOf(await check(hosts), 'SdkServiceAccount').every((r) => r.Result === 'Passed'));
  const config = await hosts[0].readConfig();
  config.localGroups = { 'PhoneFactor Admins': ['CONTOSO\\someone-else'] };
  await hosts[0].writeConfig(config);
  for (const r of rowsOf(await check(hosts), 'SdkServiceAccount')) {
    assert.equal(r.Result, 'Warning');
    assert.match(r.Detail, /not a direct member/);
    assert.match(r.Action ?? '', /Get-ADGroupMember 'PhoneFactor Admins'/);
  }
  config.localGroups = {};
  await hosts[0].writeConfig(config);
  for (const r of rowsOf(await check(hosts), 'SdkServiceAccount')) assert.match(r.Detail, /no local group/);
  // The password is never part of a row.
  assert.ok(!JSON.stringify(await check(hosts)).includes('S3cr3t!Pass'));
});

test('not elevated, a service between states, missing or wrong media, an unreachable server: Failed', async () => {
  const { hosts } = await newLab();
  await inject(hosts[0], { notElevated: true });
  const config = await hosts[0].readConfig();
  config.services.PFSVC.state = 'StopPending';
  await hosts[0].writeConfig(config);
  await hosts[0].removePath(`${MEDIA}\\MultiFactorAuthenticationMobileAppWebServiceSetup64.msi`);
  // The 32-bit user portal MSI in place of the 64-bit one: present, readable, wrong platform.
  await hosts[0].writeFileAtomic(`${MEDIA}\\MultiFactorAuthenticationUserPortalSetup64.msi`, await hosts[0].readFile(`${MEDIA}\\MultiFactorAuthenticationUserPortalSetup32.msi`));
  const rows = await runReadiness({ hosts, installerPath: MEDIA, unreachable: [{ name: 'MFA02', error: new CoreError('RemoteUnreachable', 'MFA02 did not answer.') }] });
  assert.equal(only(rows, 'Elevated').Result, 'Failed');
  assert.equal(only(rows, 'ServiceStoppable').Result, 'Failed');
  const media = only(rows, 'InstallerMedia');
  assert.equal(media.Result, 'Failed');
  assert.match(media.Detail, /MultiFactorAuthenticationMobileAppWebServiceSetup64\.msi \(for MFA01, 64-bit\) is missing/);
  assert.match(media.Detail, /UserPortalSetup64\.msi: .*32-bit/);
  const reach = only(rows, 'Reachable', 'MFA02');
  assert.equal(reach.Result, 'Failed');
  assert.match(reach.Detail, /did not answer/);
  // Without -BackupDestination or -InstallerPath the checks say what was not checked.
  const bare = await runReadiness({ hosts });
  assert.equal(only(bare, 'InstallerMedia').Result, 'Warning');
  assert.equal(only(bare, 'BackupDestination').Result, 'Warning');
});
