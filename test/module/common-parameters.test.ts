// Every common parameter with every generated cmdlet, in a non-interactive PowerShell (what ConfigMgr, Intune and
// scheduled tasks are): the same objects, errors and warnings as without them, and never a prompt. Data-driven: one
// invocation per exported cmdlet (the table must cover them all), run first without, then with each common parameter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import { listedOperations } from '../helpers/contracts';
import type { PowerShellSession, ScriptOutcome } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let values: Record<string, string>;

before(async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-common-'));
  ps = await openModuleSession(dir);
  values = { a: path.join(dir, 'a'), b: path.join(dir, 'b'), dir };
  // a: a PhoneFactor lab for the read, backup, restore, merge and task cmdlets; b: a lab already upgraded, so that
  // upgrade, verification, install and uninstall reach a steady state after one run.
  const made = await ps.run(
    "$null = New-MfaLab -Path $V.a -Confirm:$false; $null = New-MfaLab -Path $V.b -Confirm:$false; $null = Invoke-MfaServerUpgrade -LabPath $V.b -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\B' -Confirm:$false; (Backup-PhoneFactor -LabPath $V.a -Destination 'D:\\Fixed' -Confirm:$false).BackupPath",
    values,
  );
  assert.ok(made.ok, made.terminatingError?.message);
  values.backup = made.output[0] as string;
});
after(async () => {
  await ps.close();
});

// One invocation per cmdlet; each is run once before the baseline so that state-changing ones are in a steady state.
const INVOCATIONS: Record<string, string> = {
  'New-MfaLab': 'New-MfaLab -Path $V.a -Confirm:$false', // an existing lab without -Force: a per-object error
  'Get-PhoneFactorComponent': 'Get-PhoneFactorComponent -LabPath $V.a',
  'Get-MfaSdkConsumer': 'Get-MfaSdkConsumer -LabPath $V.a',
  // A loopback port nothing listens on: Refused, the same answer on every run, and no name to resolve.
  'Test-MfaWebTier': "Test-MfaWebTier -Url 'https://127.0.0.1:9/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx' -TimeoutSeconds 2",
  'Backup-PhoneFactor': "Backup-PhoneFactor -LabPath $V.a -Destination 'D:\\CP' -Retain 2 -Confirm:$false",
  'Test-PhoneFactorBackup': 'Test-PhoneFactorBackup -Path $V.backup',
  'Restore-PhoneFactor': 'Restore-PhoneFactor -Path $V.backup -LabPath $V.a -Confirm:$false',
  'Register-PhoneFactorBackupTask': "Register-PhoneFactorBackupTask -LabPath $V.a -Destination 'D:\\T' -At 02:00 -Confirm:$false",
  'Unregister-PhoneFactorBackupTask': "Unregister-PhoneFactorBackupTask -LabPath $V.a -TaskName 'Nobody\\None' -Confirm:$false", // a warning
  'Merge-MfaWebConfig': "Merge-MfaWebConfig -LabPath $V.a -Path 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config' -ReferencePath 'C:\\inetpub\\wwwroot\\PhoneFactor\\web.config' -Confirm:$false",
  'Get-MfaUpgradePlan': "Get-MfaUpgradePlan -LabPath $V.a -InstallerPath 'C:\\Media\\MfaServer'",
  'Invoke-MfaServerUpgrade': "Invoke-MfaServerUpgrade -LabPath $V.b -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\B' -Confirm:$false", // warnings
  // Nothing recorded under D:\NoRun: a result (69023) and an error (NoUpgradeToUndo) every time, a steady state.
  'Undo-MfaServerUpgrade': "Undo-MfaServerUpgrade -LabPath $V.a -BackupDestination 'D:\\NoRun' -Confirm:$false",
  'Test-MfaServerUpgrade': 'Test-MfaServerUpgrade -LabPath $V.b',
  // A lab that is not there: our named error before anything is probed (the shipped module would probe the real cloud endpoints).
  'Test-MfaMigrationReadiness': "Test-MfaMigrationReadiness -LabPath (Join-Path $V.b 'no-such-lab')",
  'Install-MfaServer': "Install-MfaServer -LabPath $V.b -InstallerPath 'C:\\Media\\MfaServer' -Confirm:$false",
  'Uninstall-PhoneFactor': 'Uninstall-PhoneFactor -LabPath $V.b -Confirm:$false', // no backup given: an error
  'Test-MfaUpgradeReadiness': "Test-MfaUpgradeReadiness -LabPath $V.a -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination 'D:\\R'",
  'Get-MfaServerUsage': 'Get-MfaServerUsage -LabPath $V.a', // a warning: lines not understood
  // No Graph session in this PowerShell and no -AccessToken: a per-object error (GraphNotConnected), nothing read.
  'Test-MfaTenantReadiness': "Test-MfaTenantReadiness -MigrationGroup 'MFA Migration'",
  'Get-MfaMigrationStatus': "Get-MfaMigrationStatus -MigrationGroup 'MFA Migration'",
  'Export-MfaTenantState': 'Export-MfaTenantState -Path $V.dir -Confirm:$false',
  'Get-PhoneFactorBackup': "Get-PhoneFactorBackup -LabPath $V.a -Destination 'D:\\Fixed'",
  'Get-PhoneFactorBackupTask': 'Get-PhoneFactorBackupTask -LabPath $V.a',
  'Get-MfaUpgradeRun': "Get-MfaUpgradeRun -BackupDestination 'D:\\B'", // the run folder of the upgrade of b (resolved as Invoke resolves it)
};

// What a variant may change: with a stream silenced, that stream's records are not in the output.
interface Variant {
  parameters: string;
  silences?: ('errors' | 'warnings')[];
}
const VARIANTS: Variant[] = [
  { parameters: '-Debug' },
  { parameters: '-Verbose' },
  { parameters: '-Debug -Verbose -InformationAction Continue -ProgressAction SilentlyContinue' },
  { parameters: '-WarningAction Continue -ErrorAction Continue -InformationAction SilentlyContinue' },
  { parameters: '-WarningAction SilentlyContinue -ErrorAction SilentlyContinue', silences: ['errors', 'warnings'] },
  { parameters: '-WarningAction Ignore -ErrorAction Ignore -InformationAction Ignore', silences: ['errors', 'warnings'] },
];

const STATE_CHANGING = new Set(listedOperations().filter((o) => o.changesState).map((o) => o.cmdlet));

const signature = (r: ScriptOutcome) => ({
  terminating: r.terminatingError?.fullyQualifiedErrorId ?? null,
  outputs: r.output.length,
  errors: r.errors.map((e) => e.fullyQualifiedErrorId).sort(),
  warnings: r.warnings.length,
});

test('the table covers every exported cmdlet', () => {
  assert.deepEqual(Object.keys(INVOCATIONS).sort(), listedOperations().map((o) => o.cmdlet).sort());
});

for (const [cmdlet, invocation] of Object.entries(INVOCATIONS)) {
  test(`${cmdlet}: every common parameter works in a non-interactive session`, async () => {
    if (STATE_CHANGING.has(cmdlet)) await ps.run(invocation, values); // warm-up: reach the steady state
    const base = await ps.run(invocation, values);
    const expected = signature(base);
    assert.equal(expected.terminating === null || !/NonInteractive/.test(base.terminatingError?.message ?? ''), true);
    for (const variant of VARIANTS) {
      const r = await ps.run(`${invocation} ${variant.parameters}`, values);
      const got = signature(r);
      const want = { ...expected };
      for (const s of variant.silences ?? []) if (s === 'errors') want.errors = []; else want.warnings = 0;
      const said = JSON.stringify([r.terminatingError, r.errors.map((e) => e.message)]);
      assert.deepEqual(got, want, `${cmdlet} ${variant.parameters}: ${said}`);
      assert.doesNotMatch(said, /NonInteractive|cannot be found on this object|without a result/, `${cmdlet} ${variant.parameters}`);
    }
    // The variables and buffering parameters: each variable holds what its stream carried, -PipelineVariable feeds
    // the next command, -OutBuffer changes nothing.
    const vars = await ps.run(
      `$piped = @(${invocation} -OutVariable o -ErrorVariable e -WarningVariable w -InformationVariable i -OutBuffer 3 -PipelineVariable p | ForEach-Object { $p })
       [pscustomobject]@{ Out = @($o).Count; Piped = $piped.Count; Err = @($e | ForEach-Object { $_.FullyQualifiedErrorId } | Sort-Object); Warn = @($w).Count }`,
      values,
    );
    const summary = vars.output[vars.output.length - 1] as { Out: number; Piped: number; Err: string[]; Warn: number };
    assert.equal(vars.terminatingError?.fullyQualifiedErrorId ?? null, expected.terminating, JSON.stringify(vars.terminatingError));
    if (expected.terminating === null) {
      assert.deepEqual(
        { Out: summary.Out, Piped: summary.Piped, Err: [...summary.Err], Warn: summary.Warn },
        { Out: expected.outputs, Piped: expected.outputs, Err: expected.errors, Warn: expected.warnings },
        `${cmdlet} with the variable parameters`,
      );
    }
  });
}

// An empty pipeline (a filter that matched nothing) is nothing to do: no error, no output, whatever the cmdlet.
test('every cmdlet given an empty pipeline does nothing and says nothing', async () => {
  for (const [cmdlet, invocation] of Object.entries(INVOCATIONS)) {
    const r = await ps.run(`@() | ${invocation}`, values);
    assert.deepEqual(signature(r), { terminating: null, outputs: 0, errors: [], warnings: 0 }, `${cmdlet}: ${JSON.stringify([r.terminatingError, r.errors])}`);
  }
});
