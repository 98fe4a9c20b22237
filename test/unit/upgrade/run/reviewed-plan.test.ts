// The reviewed plan file (core/upgrade/run/reviewed-plan-*.ts): its content hash, its reading as untrusted input, and
// how differences between the reviewed plan and the live one are named. The whole story runs in real pwsh in
// test/e2e/reviewed-plan.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readReviewedPlan, reviewedPlanBytes } from '../../../../core/upgrade/run/reviewed-plan-file';
import { planDifferences, valueDifferences } from '../../../../core/upgrade/run/reviewed-plan-check';
import { serverFingerprint } from '../../../../core/upgrade/run/plan-source';
import type { PlanSource } from '../../../../core/upgrade/run/reviewed-plan-schema';
import type { UpgradePlan } from '../../../../core/domain/plan-types';
import { CoreError } from '../../../../core/util/errors';

const inventory = {
  ComputerName: 'MFA01', DnsName: 'mfa01.contoso.com', Is64Bit: true, Warnings: [],
  Components: [{
    Component: 'Agent', DisplayName: 'PhoneFactor Agent', Version: '5.2.1.0', ProductCode: null, InstallPath: 'C:\\PF', DataPath: null,
    VirtualDirectory: null, SiteName: null, PhysicalPath: null, WebConfigPath: null, SdkUrl: null, ThemePaths: [], ComputerName: 'MFA01', LabPath: null,
    IsLegacy: true,
  }],
};
const found = { Inventory: inventory, SdkConsumerSettings: [], OtherSdkCallers: [] };
const source: PlanSource = {
  Options: { InstallerPath: 'C:\\Media', VirtualDirectoryNaming: 'New', Goal: 'Upgrade', KeepWebComponent: [], BackupDestination: 'D:\\B' },
  Media: { Version: '8.1.1.1', VirtualDirectoryProperty: {} },
  Servers: [{ ComputerName: 'MFA01', MachineId: 'id-1', Fingerprint: serverFingerprint(found), ...found }],
  Notes: [],
};
const step = (order: number, id: string, target: string) => ({
  Order: order, Id: id, Action: 'Verify' as const, Component: null, Kind: 'Automatic' as const, Blocking: false, ComputerName: 'MFA01', Target: target,
  Description: `Check ${target}`, Reason: '', Basis: 'Inference: test', Parameters: {},
});
const plan: UpgradePlan = { Goal: 'Upgrade', Notice: 'n', Steps: [step(1, 'MFA01:verify', 'MFA01')], FollowUps: [], Inferences: [] };
const made = { caller: { account: 'CONTOSO\\admin', machine: 'ADM01', moduleManifest: null }, toolVersion: '0.1.0', at: new Date('2026-01-05T10:00:00Z') };

function withFile(text: string | Buffer, check: (file: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-reviewed-'));
  const file = path.join(dir, 'plan.json');
  writeFileSync(file, text);
  return check(file).finally(() => rmSync(dir, { recursive: true, force: true }));
}

async function refusal(file: string): Promise<CoreError> {
  return readReviewedPlan(file).then(() => assert.fail('read'), (e: unknown) => e as CoreError);
}

test('a written plan reads back; its hash is of its content, so re-indenting keeps it and changing a value does not', async () => {
  const bytes = reviewedPlanBytes(plan, source, made);
  await withFile(bytes, async (file) => {
    const read = await readReviewedPlan(file);
    assert.deepEqual(read.plan, plan);
    assert.equal(read.sha256, JSON.parse(bytes.toString('utf8')).Sha256);
    writeFileSync(file, JSON.stringify(JSON.parse(readFileSync(file, 'utf8')), null, 4));
    assert.equal((await readReviewedPlan(file)).sha256, read.sha256, 're-indented: same content');
    assert.notEqual((await readReviewedPlan(file)).fileSha256, read.fileSha256, 'other bytes: another file hash');
    writeFileSync(file, bytes.toString('utf8').replace('"Target": "MFA01"', '"Target": "MFA02"'));
    assert.equal((await refusal(file)).code, 'ReviewedPlanTampered');
  });
});

test('bad JSON names the line and column; a wrong field names the field; a bad plan inside names its step', async () => {
  await withFile('{\n  "FormatVersion": 1,\n  "Kind": nope\n}', async (file) => {
    const e = await refusal(file);
    assert.equal(e.code, 'ReviewedPlanCorrupt');
    assert.match(e.message, /not valid JSON \(line 3, column 12: Unexpected token .o.\)/);
  });
  const doc = JSON.parse(reviewedPlanBytes(plan, source, made).toString('utf8')) as Record<string, unknown>;
  await withFile(JSON.stringify({ ...doc, FormatVersion: 2 }), async (file) => {
    assert.match((await refusal(file)).message, /\/FormatVersion must be equal to constant/);
  });
  await withFile(JSON.stringify({ ...doc, Extra: 1 }), async (file) => {
    assert.match((await refusal(file)).message, /\/Extra is not a known field/);
  });
  // A plan whose step order is wrong, with a hash made to match: the plan's own checks (domain/plan-parse.ts) still refuse it.
  const badPlan = { ...plan, Steps: [{ ...plan.Steps[0], Order: 2 }] };
  await withFile(reviewedPlanBytes(badPlan, source, made), async (file) => {
    const e = await refusal(file);
    assert.equal(e.code, 'ReviewedPlanCorrupt');
    assert.match(e.message, /\/Plan\/Steps\/0\/Order: is 2, expected 1/);
  });
});

test('differences are named by path, list entries by their Id or Component, long texts from where they part', () => {
  const then = { Components: [{ Component: 'Agent', Version: '5.2.1.0' }, { Component: 'UserPortal', Version: '5.2.1.0' }] };
  const now = { Components: [{ Component: 'UserPortal', Version: '5.2.1.0' }, { Component: 'Agent', Version: '5.2.1.7' }] };
  assert.deepEqual(valueDifferences(then, now, 'MFA01'), ['MFA01.Components[Agent].Version: "5.2.1.0" in the reviewed plan, "5.2.1.7" now']);
  const long = 'x'.repeat(300);
  const [d] = valueDifferences(`${long} PhoneFactor tail`, `${long} PFPortal tail`, 'text');
  assert.match(d, /^text: "\.\.\.x+ PhoneFactor tail" in the reviewed plan, "\.\.\.x+ PFPortal tail" now$/);

  const live: UpgradePlan = { ...plan, Steps: [step(1, 'MFA01:backup', 'D:\\B'), { ...step(2, 'MFA01:verify', 'MFA01') }] };
  assert.deepEqual(planDifferences(plan, live), [
    'step 1 MFA01:verify.Order: 1 in the reviewed plan, 2 now',
    'step 1 MFA01:backup (Check D:\\B) would now be planned; the reviewed plan does not have it',
  ]);
});
