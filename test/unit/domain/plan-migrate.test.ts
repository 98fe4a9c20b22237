// -Goal Migrate in the pure plan builder: which web components come back, the redirect step, what Verify expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUpgradePlan, type UpgradePlan } from '../../../core/domain/plan';
import { input, separateWebServer, singleServer } from './inventories';

const ids = (plan: UpgradePlan) => plan.Steps.map((s) => s.Id);

test('Migrate on a single server: backup, uninstalls, server install, the redirect, verify; the plan records its goal', () => {
  const plan = buildUpgradePlan(input([singleServer()], { goal: 'Migrate' }));
  assert.equal(plan.Goal, 'Migrate');
  assert.deepEqual(ids(plan), [
    'MFA01:backup',
    'MFA01:uninstall:UserPortal',
    'MFA01:uninstall:MobileAppWebService',
    'MFA01:uninstall:WebServiceSdk',
    'MFA01:uninstall:Agent',
    'MFA01:install-server',
    'MFA01:confirm-activation',
    'MFA01:write-redirect:UserPortal',
    'MFA01:verify',
  ]);
  const redirect = plan.Steps.find((s) => s.Action === 'WriteRedirect')!;
  assert.equal(redirect.Parameters.destination, 'https://aka.ms/mfasetup');
  assert.equal(redirect.Parameters.virtualDirectory, 'PhoneFactor');
  const verify = plan.Steps.at(-1)!;
  assert.equal(verify.Parameters.components, '');
  assert.equal(verify.Parameters.redirectFolder, redirect.Parameters.folder);
  assert.equal(verify.Parameters.retired, false);
  assert.equal(buildUpgradePlan(input([singleServer()])).Goal, 'Upgrade');
});

test('Migrate with a separate web server: the web server is retired (nothing expected there) and holds the redirect', () => {
  const plan = buildUpgradePlan(input(separateWebServer(), { goal: 'Migrate' }));
  assert.ok(!plan.Steps.some((s) => s.Action === 'InstallComponent' || s.Action === 'CopyInstaller' || s.Action === 'MergeWebConfig'), ids(plan).join(', '));
  const web = plan.Steps.find((s) => s.Id === 'WEB01:verify')!;
  assert.equal(web.Parameters.retired, true);
  assert.equal(typeof web.Parameters.redirectFolder, 'string');
  assert.ok(ids(plan).includes('WEB01:write-redirect:UserPortal'));
});

test('a foreign SDK caller keeps the SDK only; the SDK URLs of nothing else are rewritten', () => {
  const plan = buildUpgradePlan(input([singleServer()], {
    goal: 'Migrate',
    sdkConsumers: [{ computerName: 'ADFS01', kind: 'AdfsAdapter', file: 'C:\\Program Files\\Multi-Factor Authentication Server\\x.config' }],
  }));
  assert.deepEqual(plan.Steps.filter((s) => s.Action === 'InstallComponent').map((s) => s.Id), ['MFA01:install:WebServiceSdk']);
  assert.match(plan.Steps.find((s) => s.Id === 'MFA01:install:WebServiceSdk')!.Reason, /AdfsAdapter .*x\.config on ADFS01/);
  assert.equal(plan.Steps.at(-1)!.Parameters.components, 'WebServiceSdk');
});

test('-KeepWebComponent naming a component no server has is said, not silently ignored', () => {
  const plan = buildUpgradePlan(input(separateWebServer().slice(0, 1), { goal: 'Migrate', keepWebComponents: ['UserPortal'] }));
  assert.ok(plan.Inferences.some((i) => /-KeepWebComponent names UserPortal, which none of the servers has/.test(i)), plan.Inferences.join('\n'));
});
