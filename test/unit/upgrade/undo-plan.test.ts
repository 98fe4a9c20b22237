import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildUndoPlan, parseUndoPlan, serializeUndoPlan, type UndoServerPlanInput } from '../../../core/upgrade/undo/undo-plan';
import { isCoreError } from '../../../core/util/errors';

const mfa: UndoServerPlanInput = {
  computerName: 'MFA01',
  isMfaServer: true,
  uninstall: [
    { component: 'WebServiceSdk', productCode: '{S}', displayName: 'MFA SDK', virtualDirectory: 'MultiFactorAuthWebServiceSdk', siteName: 'Default Web Site' },
    { component: 'MfaServer', productCode: '{M}', displayName: 'MFA Server', virtualDirectory: null, siteName: null },
  ],
  upgradeFiles: [],
  reinstall: [
    { component: 'Agent', productCode: '{A}', displayName: 'PhoneFactor Agent', version: '5.2.1.0' },
    { component: 'WebServiceSdk', productCode: '{B}', displayName: 'PhoneFactor Web Service SDK', version: '5.2.1.0' },
  ],
  consumers: [],
  backupPath: '/b/MFA01',
  service: 'PhoneFactor',
};
const web: UndoServerPlanInput = {
  computerName: 'WEB01',
  isMfaServer: false,
  uninstall: [{ component: 'UserPortal', productCode: '{U}', displayName: 'MFA portal', virtualDirectory: 'MultiFactorAuth', siteName: 'Default Web Site' }],
  upgradeFiles: [
    { component: 'UserPortal', parameters: { backupPath: '/b/WEB01', themeNames: 'Contoso' }, description: 'themes' },
    { component: 'MobileAppWebService', parameters: { backupPath: '/b/WEB01', stagedInstaller: 'C:\\x.msi' }, description: 'staged' },
  ],
  reinstall: [{ component: 'UserPortal', productCode: '{P}', displayName: 'PhoneFactor User Portal', version: '5.2.1.0' }],
  consumers: [],
  backupPath: '/b/WEB01',
  service: null,
};

test('removals start on the web servers and end with MFA Server; reinstalls start with the Agent on the MFA server; then restore and verify', () => {
  const plan = buildUndoPlan('run-1', [mfa, web]);
  assert.deepEqual(plan.Steps.map((s) => s.Id), [
    'WEB01:undo-remove-upgrade-files:UserPortal',
    'WEB01:undo-uninstall:UserPortal',
    // A component whose install failed has files to remove but no product to uninstall.
    'WEB01:undo-remove-upgrade-files:MobileAppWebService',
    'MFA01:undo-uninstall:WebServiceSdk',
    'MFA01:undo-uninstall:MfaServer',
    'MFA01:undo-reinstall:Agent',
    'MFA01:undo-reinstall:WebServiceSdk',
    'WEB01:undo-reinstall:UserPortal',
    'MFA01:undo-restore-files',
    'MFA01:undo-restore-registry',
    'MFA01:undo-start-service',
    'MFA01:undo-verify',
    'WEB01:undo-restore-files',
    'WEB01:undo-restore-registry',
    'WEB01:undo-verify',
  ]);
  assert.deepEqual(plan.Steps.map((s) => s.Order), plan.Steps.map((_, i) => i + 1));
  assert.deepEqual(parseUndoPlan(serializeUndoPlan(plan), 'undo-plan.json'), plan, 'what is written reads back the same');
});

test('undo-plan.json read back as untrusted input: the file and the step at fault are named', () => {
  const plan = buildUndoPlan('run-1', [mfa]);
  const refused = (mutate: (doc: Record<string, unknown> & { Steps: Record<string, unknown>[] }) => void, why: RegExp) => {
    const doc = JSON.parse(serializeUndoPlan(plan).toString('utf8')) as Record<string, unknown> & { Steps: Record<string, unknown>[] };
    mutate(doc);
    assert.throws(() => parseUndoPlan(Buffer.from(JSON.stringify(doc)), 'C:\\run\\undo-plan.json'), (e) => {
      assert.ok(isCoreError(e) && e.code === 'PlanCorrupt', String(e));
      assert.match(e.message, /C:\\run\\undo-plan\.json/);
      assert.match(e.message, why);
      return true;
    });
  };
  refused((d) => (d.Steps[2].Action = 'Format'), /step MFA01:undo-reinstall:Agent: Action 'Format' is not an Undo action/);
  refused((d) => (d.Steps[0].Order = 7), /Order must be 1/);
  refused((d) => (d.Steps[1].Id = d.Steps[0].Id), /the Id is used twice/);
  refused((d) => ((d.Steps[0].Parameters as Record<string, unknown>).productCode = 42), /parameter productCode must be text/);
  refused((d) => delete d.UpgradeRunId, /UpgradeRunId is missing/);
  assert.throws(() => parseUndoPlan(Buffer.from('{"Steps": ['), 'p.json'), /not valid JSON/);
});

test('a consumer file the upgrade rewrote goes back after the server\'s files, one step per file with its changes, before the registry and verify', () => {
  const change = { setting: 'PfSdkUrl', oldUrl: 'https://m/PhoneFactorWebServiceSdk/PfWsSdk.asmx', newUrl: 'https://m/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx' };
  const consumer = { key: 'abcd1234', file: 'C:\\MIM\\MfaSettings.xml', kind: 'MimSettings', backupRelativePath: 'SdkConsumers\\abcd1234\\MfaSettings.xml',
    restartService: 'FIMService', byHand: false, changes: [change] };
  const plan = buildUndoPlan('run-1', [{ ...web, consumers: [consumer] }]);
  const ids = plan.Steps.map((s) => s.Id);
  const at = ids.indexOf('WEB01:undo-restore-sdk-consumer:abcd1234');
  assert.equal(ids[at - 1], 'WEB01:undo-restore-files');
  assert.equal(ids[at + 1], 'WEB01:undo-restore-registry');
  const step = plan.Steps[at];
  assert.equal(step.Target, consumer.file);
  assert.deepEqual(JSON.parse(String(step.Parameters.changes)), [change]);
  assert.equal(step.Parameters.restartService, 'FIMService');
  assert.match(step.Description, /PfSdkUrl back to https:\/\/m\/PhoneFactorWebServiceSdk.*then restart FIMService/);
  assert.deepEqual(parseUndoPlan(serializeUndoPlan(plan), 'undo-plan.json'), plan);
});
