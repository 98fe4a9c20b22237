import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUpgradePlan, type PlanStep, type UpgradePlan } from '../../../core/domain/plan';
import { CoreError } from '../../../core/util/errors';
import { agentOnly, customNames, input, record, separateWebServer, singleServer, web } from './inventories';

const ids = (plan: UpgradePlan) => plan.Steps.map((s) => s.Id);
const step = (plan: UpgradePlan, id: string): PlanStep => {
  const s = plan.Steps.find((x) => x.Id === id);
  assert.ok(s, `step ${id} missing; steps: ${ids(plan).join(', ')}`);
  return s;
};

test('single server, new names: the seed order, step by step', () => {
  const plan = buildUpgradePlan(input([singleServer()]));
  assert.deepEqual(ids(plan), [
    'MFA01:backup',
    'MFA01:uninstall:UserPortal',
    'MFA01:uninstall:MobileAppWebService',
    'MFA01:uninstall:WebServiceSdk',
    'MFA01:uninstall:Agent',
    'MFA01:install-server',
    'MFA01:confirm-activation',
    'MFA01:install:WebServiceSdk',
    'MFA01:install:UserPortal',
    'MFA01:merge-webconfig:UserPortal',
    'MFA01:restore-themes:UserPortal',
    'MFA01:install:MobileAppWebService',
    'MFA01:merge-webconfig:MobileAppWebService',
    'MFA01:verify',
  ]);
  assert.deepEqual(plan.Steps.map((s) => s.Order), plan.Steps.map((_, i) => i + 1));
  assert.match(plan.Notice, /2024-09-30/);
  assert.match(plan.Notice, /Migration Utility/);
  assert.deepEqual(plan.Inferences, []);

  const server = step(plan, 'MFA01:install-server');
  assert.equal(server.Parameters.installPath, 'C:\\Program Files\\PhoneFactor');
  assert.equal(server.Parameters.setupPath, 'C:\\Media\\MFA Server 8.1\\MultiFactorAuthenticationServerSetup.exe');

  const activation = step(plan, 'MFA01:confirm-activation');
  assert.equal(activation.Kind, 'Manual');
  assert.equal(activation.Blocking, false);
  assert.equal(activation.Parameters.checkActivation, true);
  assert.match(String(activation.Parameters.instruction), /replication group cannot be changed after activation/i);

  // New names are the MSI defaults: silent installs from the MFA Server install folder, no property needed.
  const portal = step(plan, 'MFA01:install:UserPortal');
  assert.equal(portal.Kind, 'Automatic');
  assert.equal(portal.Parameters.msiPath, 'C:\\Program Files\\PhoneFactor\\MultiFactorAuthenticationUserPortalSetup64.msi');
  assert.equal(portal.Parameters.virtualDirectory, 'MultiFactorAuth');
  assert.equal(portal.Parameters.vdirProperty, null);
  assert.equal(portal.Parameters.checkVdir, 'MultiFactorAuth');

  const merge = step(plan, 'MFA01:merge-webconfig:UserPortal');
  assert.equal(merge.Target, 'C:\\inetpub\\wwwroot\\MultiFactorAuth\\web.config');
  assert.equal(merge.Parameters.referenceRelativePath, 'UserPortal\\web.config');
  assert.equal(merge.Parameters.sdkUrl, 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx');

  const backup = step(plan, 'MFA01:backup');
  assert.equal(backup.Parameters.dataPath, 'C:\\Program Files\\PhoneFactor\\Data');
  assert.equal(backup.Parameters['webConfig.UserPortal'], 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config');
  assert.equal(backup.Parameters.themePaths, 'C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso');

  const themes = step(plan, 'MFA01:restore-themes:UserPortal');
  assert.equal(themes.Target, 'C:\\inetpub\\wwwroot\\MultiFactorAuth\\App_Themes');
  assert.equal(themes.Parameters.themeNames, 'Contoso');

  assert.ok(!ids(plan).some((id) => id.includes('copy-installer')), 'nothing to copy on a single server');
  assert.ok(!ids(plan).some((id) => id.includes('merge-webconfig:WebServiceSdk')), 'the SDK web.config is not merged');
});

test('Legacy naming with an MSI vdir property: automatic install on the old vdir, SDK URL carried over', () => {
  const plan = buildUpgradePlan(
    input([singleServer()], { naming: 'Legacy', vdirProperty: { UserPortal: 'VDIR_PORTAL', MobileAppWebService: 'VDIR_MOBILE', WebServiceSdk: 'VDIR_SDK' } }),
  );
  const portal = step(plan, 'MFA01:install:UserPortal');
  assert.equal(portal.Kind, 'Automatic');
  assert.equal(portal.Blocking, false);
  assert.equal(portal.Parameters.virtualDirectory, 'PhoneFactor');
  assert.equal(portal.Parameters.vdirProperty, 'VDIR_PORTAL');
  assert.equal(step(plan, 'MFA01:install:WebServiceSdk').Parameters.vdirProperty, 'VDIR_SDK');
  assert.equal(step(plan, 'MFA01:merge-webconfig:UserPortal').Parameters.sdkUrl, null);
  assert.equal(step(plan, 'MFA01:merge-webconfig:UserPortal').Target, 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config');
  // Nothing moved: no console URL follow-ups.
  assert.ok(!plan.FollowUps.some((f) => /portal-url|tell-users|mobile-app-url/.test(f.Id)));
});

test('Legacy naming without a vdir property: a blocking manual install with exact instructions', () => {
  const plan = buildUpgradePlan(input([singleServer()], { naming: 'Legacy', vdirProperty: { UserPortal: null } }));
  for (const c of ['UserPortal', 'MobileAppWebService', 'WebServiceSdk']) {
    const s = step(plan, `MFA01:install:${c}`);
    assert.equal(s.Kind, 'Manual', c);
    assert.equal(s.Blocking, true, c);
    assert.equal(s.Parameters.interactive, true);
    assert.equal(s.Parameters.vdirProperty, null);
  }
  const portal = step(plan, 'MFA01:install:UserPortal');
  assert.equal(portal.Parameters.checkVdir, 'PhoneFactor');
  const instruction = String(portal.Parameters.instruction);
  assert.match(instruction, /Select Installation Address/);
  assert.match(instruction, /Virtual directory to "PhoneFactor"/);
  assert.match(instruction, /Site to "Default Web Site"/);
  assert.match(instruction, /Application Pool/);
  assert.match(instruction, /msiexec \/i "C:\\Program Files\\PhoneFactor\\MultiFactorAuthenticationUserPortalSetup64\.msi"/);
});

test('custom names and D:\\PhoneFactor: Legacy keeps the reported custom vdirs, not the catalog defaults', () => {
  const plan = buildUpgradePlan(input([customNames()], { naming: 'Legacy', vdirProperty: { UserPortal: 'P', MobileAppWebService: 'M', WebServiceSdk: 'S' } }));
  assert.equal(step(plan, 'PFSRV01:install-server').Parameters.installPath, 'D:\\PhoneFactor');
  const portal = step(plan, 'PFSRV01:install:UserPortal');
  assert.equal(portal.Parameters.virtualDirectory, 'MFAPortal');
  assert.equal(portal.Parameters.msiPath, 'D:\\PhoneFactor\\MultiFactorAuthenticationUserPortalSetup64.msi');
  assert.equal(portal.Parameters.physicalPath, 'C:\\inetpub\\wwwroot\\MFAPortal', 'the installer puts the application under the site root, not beside the old one');
  assert.equal(step(plan, 'PFSRV01:install:WebServiceSdk').Parameters.virtualDirectory, 'MFASdk');
  assert.equal(step(plan, 'PFSRV01:merge-webconfig:MobileAppWebService').Parameters.virtualDirectory, 'MFAMobile');
  assert.equal(step(plan, 'PFSRV01:merge-webconfig:UserPortal').Parameters.sdkUrl, null);
  assert.equal(step(plan, 'PFSRV01:backup').Parameters.dataPath, 'D:\\PhoneFactor\\Data');
});

test('custom names with New naming: the custom SDK vdir segment is rewritten, the new folder is predicted under the site root', () => {
  const plan = buildUpgradePlan(input([customNames()]));
  const merge = step(plan, 'PFSRV01:merge-webconfig:UserPortal');
  assert.equal(merge.Parameters.sdkUrl, 'https://pfsrv01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx');
  assert.equal(merge.Target, 'C:\\inetpub\\wwwroot\\MultiFactorAuth\\web.config');
  const followUp = plan.FollowUps.find((f) => f.Id === 'PFSRV01:followup:portal-url');
  assert.ok(followUp);
  assert.match(followUp.Instruction, /https:\/\/pfsrv01\.contoso\.com\/MultiFactorAuth\b/);
  assert.match(followUp.Instruction, /User Portal.*Settings tab/);
});

for (const [webIs64Bit, bits] of [[false, 32], [true, 64]] as const) {
  test(`separate ${bits}-bit web server: installers of its bitness are copied from the MFA server first`, () => {
    const plan = buildUpgradePlan(input(separateWebServer(webIs64Bit)));
    const copy = step(plan, 'WEB01:copy-installer:UserPortal');
    assert.equal(copy.Action, 'CopyInstaller');
    assert.equal(copy.ComputerName, 'WEB01');
    assert.equal(copy.Parameters.sourceComputerName, 'MFA01');
    assert.equal(copy.Parameters.sourcePath, `C:\\Program Files\\PhoneFactor\\MultiFactorAuthenticationUserPortalSetup${bits}.msi`);
    assert.equal(copy.Parameters.destinationPath, `C:\\Windows\\Temp\\MfaServerUpgrade\\MultiFactorAuthenticationUserPortalSetup${bits}.msi`);
    const install = step(plan, 'WEB01:install:UserPortal');
    assert.equal(install.Parameters.msiPath, copy.Parameters.destinationPath);
    assert.ok(copy.Order < install.Order);
    assert.ok(step(plan, 'MFA01:install-server').Order < copy.Order, 'the MSIs exist only once MFA Server is installed');
    assert.equal(
      step(plan, 'WEB01:copy-installer:MobileAppWebService').Parameters.msiFileName,
      `MultiFactorAuthenticationMobileAppWebServiceSetup${bits}.msi`,
    );
    // The SDK stays on the 64-bit MFA server, installed from its own folder.
    assert.equal(step(plan, 'MFA01:install:WebServiceSdk').Parameters.msiFileName, 'MultiFactorAuthenticationWebServiceSdkSetup64.msi');
  });
}

test('separate web server: web server uninstalls precede the Agent, its SDK URL follows the SDK to the new vdir', () => {
  const plan = buildUpgradePlan(input(separateWebServer()));
  const agent = step(plan, 'MFA01:uninstall:Agent').Order;
  for (const id of ['WEB01:uninstall:UserPortal', 'WEB01:uninstall:MobileAppWebService', 'MFA01:uninstall:WebServiceSdk']) {
    assert.ok(step(plan, id).Order < agent, id);
  }
  assert.ok(step(plan, 'WEB01:uninstall:MobileAppWebService').Order < step(plan, 'MFA01:uninstall:WebServiceSdk').Order);
  assert.equal(
    step(plan, 'WEB01:merge-webconfig:MobileAppWebService').Parameters.sdkUrl,
    'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx',
  );
  assert.ok(!ids(plan).includes('WEB01:install-server'));
  assert.deepEqual(
    plan.Steps.filter((s) => s.Action === 'Verify').map((s) => s.Id),
    ['MFA01:verify', 'WEB01:verify'],
  );
  const portalUrl = plan.FollowUps.find((f) => f.Id === 'WEB01:followup:portal-url');
  assert.ok(portalUrl);
  assert.equal(portalUrl.ComputerName, 'MFA01', 'the console setting is made on the MFA server');
  assert.match(portalUrl.Instruction, /https:\/\/web01\.contoso\.com\/MultiFactorAuth /);
  assert.ok(plan.FollowUps.some((f) => f.Id === 'WEB01:followup:tell-users'));
  assert.ok(plan.FollowUps.some((f) => f.Id === 'WEB01:followup:mobile-app-url'));
});

test('SDK URL rewrite keeps scheme, host, port and query; only the vdir segment changes', () => {
  const servers = separateWebServer();
  servers[1].Components[0].SdkUrl = 'https://sdk.contoso.com:8443/phonefactorwebservicesdk/PfWsSdk.asmx?x=1';
  const plan = buildUpgradePlan(input(servers));
  assert.equal(
    step(plan, 'WEB01:merge-webconfig:UserPortal').Parameters.sdkUrl,
    'https://sdk.contoso.com:8443/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx?x=1',
  );
});

test('an SDK URL that names no known SDK vdir is carried over and flagged as a follow-up', () => {
  const servers = separateWebServer();
  servers[1].Components[0].SdkUrl = 'http://localhost:4898/PfWsSdk.asmx';
  const plan = buildUpgradePlan(input(servers));
  assert.equal(step(plan, 'WEB01:merge-webconfig:UserPortal').Parameters.sdkUrl, null);
  const f = plan.FollowUps.find((x) => x.Id === 'WEB01:followup:check-sdk-url:UserPortal');
  assert.ok(f);
  assert.match(f.Instruction, /localhost:4898/);
});

test('agent only: backup, uninstall, install, activation, verify — no web steps', () => {
  const plan = buildUpgradePlan(input([agentOnly()]));
  assert.deepEqual(ids(plan), ['MFA01:backup', 'MFA01:uninstall:Agent', 'MFA01:install-server', 'MFA01:confirm-activation', 'MFA01:verify']);
  assert.deepEqual(plan.FollowUps.map((f) => f.Id), ['MFA01:followup:migrate-to-cloud-mfa']);
  assert.match(plan.FollowUps[0].Instruction, /Configure-MultiFactorAuthMigrationUtility\.ps1/);
  assert.match(plan.FollowUps[0].Instruction, /MultiFactorAuthMigrationUtilityUI/);
});

test('ordering invariants hold for every scenario and naming', () => {
  const scenarios = [[singleServer()], separateWebServer(), [agentOnly()], [customNames()], [...separateWebServer(true)]];
  for (const servers of scenarios) {
    for (const naming of ['New', 'Legacy'] as const) {
      const plan = buildUpgradePlan(input(servers, { naming }));
      const orderOf = (pred: (s: PlanStep) => boolean) => plan.Steps.filter(pred).map((s) => s.Order);
      const backups = orderOf((s) => s.Action === 'Backup');
      const uninstalls = plan.Steps.filter((s) => s.Action === 'Uninstall');
      assert.ok(Math.max(...backups) < Math.min(...uninstalls.map((s) => s.Order)), 'every backup before any uninstall');
      const rank = ['UserPortal', 'MobileAppWebService', 'WebServiceSdk', 'Agent'];
      const ranks = uninstalls.map((s) => rank.indexOf(s.Component!));
      assert.deepEqual(ranks, [...ranks].sort((a, b) => a - b), 'documented uninstall order');
      const installs = orderOf((s) => s.Action === 'InstallServer' || s.Action === 'InstallComponent' || s.Action === 'CopyInstaller');
      assert.ok(Math.max(...uninstalls.map((s) => s.Order)) < Math.min(...installs), 'nothing installed before everything is removed');
      const verifies = orderOf((s) => s.Action === 'Verify');
      assert.deepEqual(verifies, plan.Steps.slice(-verifies.length).map((s) => s.Order), 'verify steps last');
      assert.equal(new Set(ids(plan).map((i) => i.toLowerCase())).size, plan.Steps.length, 'unique ids');
      const sdkInstall = orderOf((s) => s.Action === 'InstallComponent' && s.Component === 'WebServiceSdk');
      const otherInstalls = orderOf((s) => s.Action === 'InstallComponent' && s.Component !== 'WebServiceSdk');
      if (sdkInstall.length && otherInstalls.length) assert.ok(sdkInstall[0] < Math.min(...otherInstalls), 'SDK first');
    }
  }
});

test('follow-ups: Mobile App Web Service retirement depends on the new version', () => {
  const to8 = buildUpgradePlan(input([singleServer()], { newVersion: '8.1.1.1' }));
  assert.match(to8.FollowUps.find((f) => f.Id === 'MFA01:followup:retire-mobile-app-web-service')!.Title, /^Uninstall/);
  const to7 = buildUpgradePlan(input([singleServer()], { newVersion: '7.3.0.3' }));
  assert.match(to7.FollowUps.find((f) => f.Id === 'MFA01:followup:retire-mobile-app-web-service')!.Instruction, /keep it/);
  const unknown = buildUpgradePlan(input([singleServer()], { newVersion: null }));
  assert.match(unknown.FollowUps.find((f) => f.Id === 'MFA01:followup:retire-mobile-app-web-service')!.Instruction, /unknown/);
  // Follow-ups never block: they are not steps.
  assert.ok(!to8.Steps.some((s) => s.Id.includes('followup')));
});

test('several MFA servers: kept in the given order, with the order recorded as an inference', () => {
  const sub = agentOnly();
  sub.ComputerName = 'MFA02';
  sub.Components = [{ ...sub.Components[0], ComputerName: 'MFA02' }];
  const plan = buildUpgradePlan(input([sub, singleServer()]));
  assert.ok(step(plan, 'MFA02:uninstall:Agent').Order < step(plan, 'MFA01:uninstall:Agent').Order);
  assert.ok(step(plan, 'MFA02:install-server').Order < step(plan, 'MFA01:install-server').Order);
  assert.equal(plan.Inferences.length, 1);
  assert.match(plan.Inferences[0], /MFA02, MFA01/);
  assert.match(plan.Inferences[0], /subordinate/);
  assert.match(String(step(plan, 'MFA01:confirm-activation').Parameters.instruction), /same group/);
});

test('errors: nothing to upgrade, already upgraded, duplicate servers', () => {
  const webOnly = separateWebServer()[1];
  assert.throws(() => buildUpgradePlan(input([webOnly])), (e: unknown) => e instanceof CoreError && e.code === 'NothingToUpgrade');
  assert.throws(() => buildUpgradePlan(input([])), (e: unknown) => e instanceof CoreError && e.code === 'NothingToUpgrade');
  const upgraded = { ...agentOnly(), Components: [record('MfaServer', 'MFA01', { IsLegacy: false })] };
  assert.throws(() => buildUpgradePlan(input([upgraded])), (e: unknown) => e instanceof CoreError && e.code === 'AlreadyUpgraded');
  const twice = { ...agentOnly(), ComputerName: 'mfa01' };
  assert.throws(() => buildUpgradePlan(input([agentOnly(), twice])), (e: unknown) => e instanceof CoreError && e.code === 'DuplicateServer');
});

test('an Agent without a reported install path falls back to the documented default, and says so', () => {
  const server = agentOnly();
  server.Components[0] = { ...server.Components[0], InstallPath: null, DataPath: null };
  const plan = buildUpgradePlan(input([server]));
  assert.equal(step(plan, 'MFA01:install-server').Parameters.installPath, 'C:\\Program Files\\PhoneFactor');
  assert.match(plan.Inferences.join('\n'), /no Agent install path/);
});

test('vdir comparison is case-insensitive: a Legacy vdir spelled like the new default needs no property', () => {
  const server = singleServer();
  server.Components[1] = web('UserPortal', 'MFA01', 'multifactorauth');
  const plan = buildUpgradePlan(input([server], { naming: 'Legacy' }));
  const portal = step(plan, 'MFA01:install:UserPortal');
  assert.equal(portal.Kind, 'Automatic');
  assert.equal(portal.Parameters.vdirProperty, null);
});

test('the plan is pure: the same input gives the same plan and is not modified', () => {
  const servers = separateWebServer();
  const before = JSON.stringify(servers);
  const a = buildUpgradePlan(input(servers));
  const b = buildUpgradePlan(input(servers));
  assert.deepEqual(a, b);
  assert.equal(JSON.stringify(servers), before);
});

test('SDK consumers: their files in each server\'s backup first, one step per setting after the web components, Manual where unsafe or AD FS', () => {
  const OLD = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
  const NEW = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';
  const consumer = (computerName: string, kind: 'WebConfig' | 'AdfsAdapter' | 'MimSettings', file: string, setting: string, unsafe: string | null = null) =>
    ({ computerName, kind, file, setting, oldUrl: OLD, newUrl: NEW, unsafe });
  const plan = buildUpgradePlan({
    ...input([singleServer()]),
    consumers: [
      consumer('APP01', 'AdfsAdapter', 'C:\\Program Files\\Multi-Factor Authentication Server\\MultiFactorAuthenticationAdfsAdapter.config', 'WebServiceSdkUrl'),
      consumer('APP01', 'WebConfig', 'C:\\inetpub\\intranet\\Payroll\\web.config', 'MfaSdkUrl', 'it has an encrypted section (<connectionStrings>)'),
      consumer('app01', 'WebConfig', 'C:\\inetpub\\intranet\\Timesheets\\web.config', 'Timesheets_MfaSdk_PfWsSdk'),
      // The same setting found twice is one step.
      consumer('APP01', 'WebConfig', 'C:\\INETPUB\\intranet\\Timesheets\\web.config', 'Timesheets_MfaSdk_PfWsSdk'),
      consumer('mfa01', 'MimSettings', 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\MfaSettings.xml', 'LOCMFASRV'),
    ],
  });
  const rewrites = plan.Steps.filter((s) => s.Action === 'RewriteSdkConsumer');
  // Automatic first (in the order found), then the AD FS adapter, then what the admin changes by hand.
  assert.deepEqual(rewrites.map((s) => [s.ComputerName, s.Parameters.setting, s.Kind, s.Blocking]), [
    ['APP01', 'Timesheets_MfaSdk_PfWsSdk', 'Automatic', false],
    ['MFA01', 'LOCMFASRV', 'Automatic', false],
    ['APP01', 'WebServiceSdkUrl', 'Manual', true],
    ['APP01', 'MfaSdkUrl', 'Manual', true],
  ]);
  const order = (id: string) => step(plan, id).Order;
  for (const s of rewrites) {
    assert.ok(order(`${s.ComputerName}:backup`) < s.Order, `${s.Id} after its server's backup`);
    assert.ok(order('MFA01:merge-webconfig:MobileAppWebService') < s.Order, `${s.Id} after the web components are back`);
    assert.ok(s.Order < order('MFA01:verify'));
    assert.match(s.Id, /^(APP01|MFA01):rewrite-sdk-consumer:[0-9a-f]{8}$/);
    assert.equal(s.Parameters.backupStepId, `${s.ComputerName}:backup`);
  }
  // APP01 has no PhoneFactor component: a backup of its consumers' files alone, before any uninstall.
  const appBackup = step(plan, 'APP01:backup');
  assert.ok(appBackup.Order < order('MFA01:uninstall:UserPortal'));
  assert.deepEqual(String(appBackup.Parameters.consumerFiles).split('|'), [
    'C:\\Program Files\\Multi-Factor Authentication Server\\MultiFactorAuthenticationAdfsAdapter.config',
    'C:\\inetpub\\intranet\\Payroll\\web.config',
    'C:\\inetpub\\intranet\\Timesheets\\web.config',
  ]);
  assert.equal(step(plan, 'MFA01:backup').Parameters.consumerFiles, 'C:\\Program Files\\Microsoft Forefront Identity Manager\\2010\\Service\\MfaSettings.xml');
  const mim = rewrites[1];
  assert.equal(mim.Parameters.restartService, 'FIMService');
  assert.match(mim.Parameters.backupRelativePath as string, /^SdkConsumers\\[0-9a-f]{8}\\MfaSettings\.xml$/);
  // The manual ones name the exact file, setting, old and new value.
  const manual = rewrites[3];
  for (const part of ['C:\\inetpub\\intranet\\Payroll\\web.config', 'MfaSdkUrl', OLD, NEW, 'encrypted section']) {
    assert.ok(String(manual.Parameters.instruction).includes(part), `${part} in ${String(manual.Parameters.instruction)}`);
  }
  assert.match(String(rewrites[2].Parameters.instruction), /Register-MultiFactorAuthenticationAdfsAdapter\.ps1.*Restart-Service adfssrv/);
  assert.match(rewrites[0].Basis, /any application that references the SDK/);
  // Stable: the same consumers give the same ids.
  assert.deepEqual(buildUpgradePlan({ ...input([singleServer()]), consumers: [consumer('APP01', 'WebConfig', 'C:\\inetpub\\intranet\\timesheets\\WEB.config',
    'Timesheets_MfaSdk_PfWsSdk')] }).Steps.find((s) => s.Action === 'RewriteSdkConsumer')?.Id, rewrites[0].Id);
});
