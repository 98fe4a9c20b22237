// Issue #28 item 9: a reviewed plan as input. Get-MfaUpgradePlan -OutFile writes the plan for review; Invoke-MfaServerUpgrade
// -PlanPath runs exactly that plan, and refuses (exit code 69003, a named error listing what differs) when the servers
// changed since, when the file was changed, when it is of other servers, or when a parameter would change it; nothing
// on the lab changes then. Through the real cmdlets in real pwsh. Run `npm run build` first.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { openModuleSession, modulePath } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, LAB_SDK_PASSWORD, diffStates, labEndState, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const root = makeTempRoot('reviewed-plan');
after(() => rmSync(root, { recursive: true, force: true }));

const EXPORT = String.raw`
$p = @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; OutFile = $V.file }
if ($V.goal) { $p.Goal = $V.goal }
Get-MfaUpgradePlan @p -InformationAction SilentlyContinue -WarningAction SilentlyContinue`;

const INVOKE = String.raw`
$p = @{ LabPath = $V.lab; PlanPath = $V.file; BackupDestination = $V.backups; Confirm = $false }
foreach ($k in 'Goal', 'InstallerPath', 'VirtualDirectoryNaming') { if ($V.$k) { $p[$k] = $V.$k } }
if ($V.resume) { $p.Resume = $true }
if ($V.replan) { $p.Replan = $true }
if ($V.whatIf) { $p.WhatIf = $true; $p.Remove('Confirm') }
Invoke-MfaServerUpgrade @p -WarningAction SilentlyContinue`;

interface Invoked {
  result: UpgradeResult | undefined;
  errorIds: string[];
  messages: string[];
  categories: string[];
  information: string;
}

async function invoke(ps: PowerShellSession, v: Record<string, unknown>): Promise<Invoked> {
  const outcome = await ps.run(INVOKE, { installer: LAB_INSTALLER_PATH, ...v });
  assert.ok(outcome.ok, `terminating error: ${outcome.terminatingError?.fullyQualifiedErrorId} ${outcome.terminatingError?.message}`);
  const result = outcome.output.find((o) => typeof o === 'object' && o !== null && 'ExitCode' in o) as UpgradeResult | undefined;
  return {
    result,
    errorIds: outcome.errors.map((e) => e.fullyQualifiedErrorId.split(',')[0]),
    messages: outcome.errors.map((e) => e.message),
    categories: outcome.errors.map((e) => e.category),
    information: JSON.stringify(outcome.information),
  };
}

async function newLab(ps: PowerShellSession, lab: string): Promise<void> {
  await runOk(ps, `New-MfaLab -Path $V.lab -Scenario SingleServer -Force | Out-Null`, { lab });
}

async function exportPlan(ps: PowerShellSession, lab: string, backups: string, file: string, goal?: string): Promise<void> {
  const r = await ps.run(EXPORT, { lab, backups, file, installer: LAB_INSTALLER_PATH, goal });
  assert.ok(r.ok && r.errors.length === 0, `Get-MfaUpgradePlan -OutFile: ${r.terminatingError?.message} ${r.errors.map((e) => e.message).join(' | ')}`);
}

/** A SingleServer lab in its own folder under root, with its plan exported to plan.json beside it. */
async function labWithPlan(ps: PowerShellSession, name: string): Promise<{ dir: string; lab: string; backups: string; file: string }> {
  const dir = path.join(root, name);
  const made = { dir, lab: path.join(dir, 'lab'), backups: path.join(dir, 'backups'), file: path.join(dir, 'plan.json') };
  await newLab(ps, made.lab);
  await exportPlan(ps, made.lab, made.backups, made.file);
  return made;
}

/** A refusal before anything changed: no step ran, exit code 69003, the named error, the lab exactly as before. */
function assertRefused(r: Invoked, code: string, labBefore: Record<string, string>, lab: string): void {
  assert.deepEqual(r.errorIds, [code], r.messages.join(' | '));
  assert.equal(r.result?.ExitCode, 69003, r.result?.Message);
  assert.equal(r.result?.Status, 'Failed');
  assert.deepEqual(r.result?.Steps, []);
  assert.deepEqual(diffStates(labBefore, labEndState(lab)), [], 'nothing on the lab changed');
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const editFile = (file: string, edit: (text: string) => string, encoding: BufferEncoding = 'utf8') => {
  const before = readFileSync(file).toString(encoding);
  const after = edit(before);
  assert.notEqual(after, before, `the edit changed ${file}`);
  writeFileSync(file, Buffer.from(after, encoding));
};
const runFolderOf = (backups: string) => path.join(backups, 'MfaServerUpgrade-MFA01');

describe('a reviewed plan: Get-MfaUpgradePlan -OutFile, then Invoke-MfaServerUpgrade -PlanPath', () => {
  let ps: PowerShellSession;
  before(async () => {
    assert.ok(existsSync(path.join(modulePath, 'lib', 'mfa-core.cjs')), 'build the module first: npm run build');
    ps = await openModuleSession(root);
  });
  after(() => ps.close());

  test('the exported plan runs unchanged: -WhatIf shows the comparison, the run completes and records the file and its SHA-256', async () => {
    const lab = path.join(root, 'same', 'lab');
    const backups = path.join(root, 'same', 'backups');
    const file = path.join(root, 'same', 'review', 'plan.json');
    await newLab(ps, lab);
    await exportPlan(ps, lab, backups, file);
    assert.deepEqual(readdirSync(path.dirname(file)), ['plan.json'], 'written atomically: no temp file left beside it');
    const doc = JSON.parse(readFileSync(file, 'utf8')) as { Sha256: string; Source: { Servers: { ComputerName: string; Fingerprint: string }[] } };
    assert.match(doc.Sha256, /^[0-9a-f]{64}$/);
    assert.equal(doc.Source.Servers[0].ComputerName, 'MFA01');
    // The file goes into a change ticket, outside the protected run folder: the SDK account's password never reaches it.
    assert.ok(!readFileSync(file, 'utf8').includes(LAB_SDK_PASSWORD), 'no secret in the reviewed plan');

    const labBefore = labEndState(lab);
    const dry = await invoke(ps, { lab, backups, file, whatIf: true });
    assert.deepEqual(dry.errorIds, []);
    assert.match(dry.information, new RegExp(`Reviewed plan .*plan\\.json \\(SHA-256 ${doc.Sha256}.*are as reviewed`));
    assert.deepEqual(diffStates(labBefore, labEndState(lab)), [], '-WhatIf changed nothing');

    const run = await invoke(ps, { lab, backups, file, resume: true, InstallerPath: LAB_INSTALLER_PATH });
    assert.deepEqual(run.errorIds, [], run.messages.join(' | '));
    assert.equal(run.result?.Status, 'Completed', `${run.result?.Message} / ${run.result?.NextAction}`);
    assert.equal(run.result?.ExitCode, 0);
    const journal = JSON.parse(readFileSync(path.join(runFolderOf(backups), 'journal.json'), 'utf8')) as { Meta: Record<string, unknown> };
    assert.equal(journal.Meta.ReviewedPlanPath, file);
    assert.equal(journal.Meta.ReviewedPlanSha256, doc.Sha256);
    assert.equal(journal.Meta.ReviewedPlanFileSha256, sha256(file), 'the file hash is what Get-FileHash shows');
    // The run's plan is the reviewed one, step for step.
    const ran = JSON.parse(readFileSync(path.join(runFolderOf(backups), 'plan.json'), 'utf8')) as unknown;
    assert.deepEqual(ran, (JSON.parse(readFileSync(file, 'utf8')) as { Plan: unknown }).Plan);
    const report = readFileSync(path.join(runFolderOf(backups), 'report.html'), 'utf8');
    assert.match(report, new RegExp(`Reviewed plan.*${doc.Sha256}`, 's'));
    // Read back: Get-MfaUpgradeRun names the reviewed plan the run ran.
    const status = await ps.run('Get-MfaUpgradeRun -BackupDestination $V.backups | Select-Object -ExpandProperty ReviewedPlan', { backups });
    assert.ok(status.ok, status.terminatingError?.message);
    assert.deepEqual(status.output, [`${file} (SHA-256 ${doc.Sha256})`]);
  });

  // Each: the lab changed between the export and the run → refused with each difference named, nothing changed.
  const changes: { name: string; change: (lab: string) => void; expect: RegExp }[] = [
    {
      name: 'another installed version',
      change: (lab) => editFile(path.join(lab, 'registry.reg'), (t) => t.replace(/"DisplayVersion"="5\.2\.1\.0"/g, '"DisplayVersion"="5.2.1.7"'), 'utf16le'),
      expect: /MFA01\.Inventory\.Components\[\w+\]\.Version: "5\.2\.1\.0" in the reviewed plan, "5\.2\.1\.7" now/,
    },
    {
      name: 'a renamed virtual directory',
      change: (lab) => editFile(
        path.join(lab, 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config'),
        (t) => t.replace('<application path="/PhoneFactor" ', '<application path="/PFPortal" '),
      ),
      expect: /MFA01\.Inventory\.Components\[UserPortal\]\.VirtualDirectory: "PhoneFactor" in the reviewed plan, "PFPortal" now/,
    },
    {
      name: 'an edited web.config setting the plan depends on (the portal\'s SDK URL)',
      change: (lab) => editFile(
        path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor', 'web.config'),
        (t) => t.replace('<value>https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx</value>', '<value>https://sdk.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx</value>'),
      ),
      expect: /MFA01\.Inventory\.Components\[UserPortal\]\.SdkUrl: "https:\/\/mfa01\.contoso\.com\/[^"]*" in the reviewed plan, "https:\/\/sdk\.contoso\.com\/[^"]*" now/,
    },
  ];
  for (const c of changes) {
    test(`refused when the lab changed since the export: ${c.name}; -WhatIf says the same`, async () => {
      const { lab, backups, file } = await labWithPlan(ps, c.name.replace(/\W+/g, '-'));
      c.change(lab);
      const labBefore = labEndState(lab);

      const dry = await invoke(ps, { lab, backups, file, whatIf: true });
      assert.deepEqual(dry.errorIds, ['ReviewedPlanDiffers'], dry.messages.join(' | '));
      assert.match(dry.messages[0], c.expect);

      const r = await invoke(ps, { lab, backups, file, resume: true });
      assertRefused(r, 'ReviewedPlanDiffers', labBefore, lab);
      assert.equal(r.categories[0], 'InvalidOperation');
      assert.match(r.messages[0], c.expect);
      assert.match(r.messages[0], /^The servers changed since the reviewed plan .* was made/);
      assert.ok(!existsSync(path.join(runFolderOf(backups), 'journal.json')), 'no run was started');
    });
  }

  test('a step the plan would now have differently is named step by step', async () => {
    const { lab, backups, file } = await labWithPlan(ps, 'steps');
    // The portal's folder moves: the uninstall, the merge and the themes steps name other paths now.
    editFile(
      path.join(lab, 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config'),
      (t) => t.replace('<application path="/PhoneFactor" ', '<application path="/PFPortal" '),
    );
    const r = await invoke(ps, { lab, backups, file, whatIf: true });
    assert.deepEqual(r.errorIds, ['ReviewedPlanDiffers']);
    assert.match(r.messages[0], /- step \d+ MFA01:[\w:]+\.\w+(\.\w+)*: .* in the reviewed plan, .* now/);
  });

  test('refused: a tampered file, bad JSON (line and column), a file that is no reviewed plan (the field), a file of another server', async () => {
    const { dir, lab, backups, file } = await labWithPlan(ps, 'bad');
    const labBefore = labEndState(lab);
    const text = readFileSync(file, 'utf8');

    const tampered = path.join(dir, 'tampered.json');
    writeFileSync(tampered, text.replace(/"Description": "Uninstall PhoneFactor User Portal 5\.2\.1\.0 from MFA01\."/, '"Description": "Uninstall it."'));
    assert.notEqual(readFileSync(tampered, 'utf8'), text);
    const t = await invoke(ps, { lab, backups, file: tampered });
    assertRefused(t, 'ReviewedPlanTampered', labBefore, lab);
    assert.equal(t.categories[0], 'SecurityError');
    assert.match(t.messages[0], /was changed after it was written: its content hashes to [0-9a-f]{64}, the file says [0-9a-f]{64}/);

    // Re-indented only: the content is the same, so its SHA-256 is too (nothing is run here: -WhatIf).
    const reindented = path.join(dir, 'reindented.json');
    writeFileSync(reindented, JSON.stringify(JSON.parse(text), null, 4));
    const w = await invoke(ps, { lab, backups, file: reindented, whatIf: true });
    assert.deepEqual(w.errorIds, [], w.messages.join(' | '));

    const broken = path.join(dir, 'broken.json');
    writeFileSync(broken, text.replace('"Kind": "MfaServerUpgrade.ReviewedPlan",', '"Kind": MfaServerUpgrade,'));
    const b = await invoke(ps, { lab, backups, file: broken });
    assertRefused(b, 'ReviewedPlanCorrupt', labBefore, lab);
    assert.match(b.messages[0], /is not valid JSON \(line 3, column 11:/);

    const wrongShape = path.join(dir, 'wrong-shape.json');
    const doc = JSON.parse(text) as { Source: { Servers: { MachineId: unknown }[] } };
    doc.Source.Servers[0].MachineId = 42;
    writeFileSync(wrongShape, JSON.stringify(doc, null, 2));
    const s = await invoke(ps, { lab, backups, file: wrongShape });
    assertRefused(s, 'ReviewedPlanCorrupt', labBefore, lab);
    assert.match(s.messages[0], /\/Source\/Servers\/0\/MachineId must be string/);

    const missing = await invoke(ps, { lab, backups, file: path.join(dir, 'none.json') });
    assertRefused(missing, 'ReviewedPlanNotFound', labBefore, lab);

    // Another machine named MFA01 (a lab has its own machine id): the plan is not of it.
    const other = path.join(dir, 'other-lab');
    await newLab(ps, other);
    const otherBefore = labEndState(other);
    const o = await invoke(ps, { lab: other, backups, file });
    assertRefused(o, 'ReviewedPlanOfOtherServers', otherBefore, other);
    assert.match(o.messages[0], /was made for MFA01 \(machine id [0-9a-f-]+\); this run targets MFA01 \(machine id [0-9a-f-]+\)/);
  });

  test('parameters that would change the plan are refused by name; the plan\'s own values are accepted', async () => {
    const { dir, lab, backups, file } = await labWithPlan(ps, 'conflict');
    const labBefore = labEndState(lab);
    const r = await invoke(ps, { lab, backups: path.join(dir, 'elsewhere'), file, Goal: 'Migrate', VirtualDirectoryNaming: 'Legacy', replan: true });
    assertRefused(r, 'ReviewedPlanParameterConflict', labBefore, lab);
    for (const named of ['-Goal Migrate', '-VirtualDirectoryNaming Legacy', '-BackupDestination', '-Replan']) assert.ok(r.messages[0].includes(named), named);
    const same = await invoke(ps, { lab, backups, file, Goal: 'Upgrade', VirtualDirectoryNaming: 'New', InstallerPath: LAB_INSTALLER_PATH, whatIf: true });
    assert.deepEqual(same.errorIds, [], same.messages.join(' | '));
  });

  test('a reviewed run that pauses goes on with -Resume -PlanPath; another plan file is refused on resume', async () => {
    const dir = path.join(root, 'resume');
    const lab = path.join(dir, 'lab');
    const backups = path.join(dir, 'backups');
    const file = path.join(dir, 'plan.json');
    await runOk(ps, `New-MfaLab -Path $V.lab -Scenario ActivationFails -Force | Out-Null`, { lab });
    await exportPlan(ps, lab, backups, file);
    const migrate = path.join(dir, 'migrate.json');
    await exportPlan(ps, lab, backups, migrate, 'Migrate');
    const first = await invoke(ps, { lab, backups, file, resume: true });
    assert.equal(first.result?.Status, 'Paused', `${first.result?.Message}`);
    // The same file continues the run: the servers changed by the run itself, so they are not compared again.
    const again = await invoke(ps, { lab, backups, file, resume: true });
    assert.deepEqual(again.errorIds, [], again.messages.join(' | '));
    assert.ok(['Paused', 'Completed'].includes(again.result?.Status ?? ''), again.result?.Message);
    // Another reviewed plan (the same servers, another goal) cannot continue this run.
    const other = await invoke(ps, { lab, backups, file: migrate, resume: true });
    assert.deepEqual(other.errorIds, ['ResumeParametersDiffer'], other.messages.join(' | '));
    assert.match(other.messages[0], /-PlanPath: the run was started from the reviewed plan with SHA-256 [0-9a-f]{64}, the one given has SHA-256 [0-9a-f]{64}/);
  });
});
