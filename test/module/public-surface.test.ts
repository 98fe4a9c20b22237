// The module's public surface, as an admin meets it: exactly the documented cmdlets (the README's cmdlet table), the
// plumbing private; parameters that exclude each other in different parameter sets, an [OutputType] per set, and a
// format view for every type an exported command outputs. Everything here comes from the generator and the contracts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession, repoRoot } from '../helpers/pwsh';
import { allListedOperations, listedOperations } from '../helpers/contracts';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
const ops = listedOperations();

before(async () => {
  ps = await openModuleSession();
});
after(async () => {
  await ps.close();
});

/** The cmdlets the README documents: the first column of its cmdlet table. */
function documentedCmdlets(): string[] {
  const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
  const table = readme.split('| Cmdlet | Does |')[1].split(/\n\s*\n/)[0];
  const firstColumns = table.split('\n').filter((l) => l.startsWith('| `')).map((l) => l.split(' | ')[0]);
  return [...new Set(firstColumns.flatMap((c) => [...c.matchAll(/`([A-Z][a-z]+-[A-Za-z]+)/g)].map((m) => m[1])))].sort();
}

test('Get-Command -Module MfaServerUpgrade lists exactly the documented cmdlets; the host-call plumbing is not one', async () => {
  const r = await ps.run('@((Get-Command -Module MfaServerUpgrade).Name | Sort-Object); @(Get-Command Invoke-MfaHostCall, Invoke-MfaCore -ErrorAction SilentlyContinue).Count');
  assert.ok(r.ok, r.terminatingError?.message);
  const count = r.output.pop();
  const documented = documentedCmdlets();
  assert.ok(documented.length >= 13, documented.join(', '));
  assert.deepEqual(r.output, documented);
  assert.equal(count, 0, 'neither Invoke-MfaHostCall nor the transport is visible');
  // The core keeps the operation: it is what a remote core runs (mfa-core host-call).
  assert.ok(allListedOperations().some((o) => o.name === 'host-call' && o.internal));
});

test('-Session excludes -Credential in every command that takes both: PowerShell refuses the pair before anything runs', async () => {
  const withSession = ops.filter((o) => o.input.properties.Session && o.input.properties.Credential);
  assert.ok(withSession.length >= 8);
  for (const op of withSession) {
    const r = await ps.run(String.raw`
      $c = Get-Command $V.cmdlet
      $sets = @($c.ParameterSets | ForEach-Object { [pscustomobject]@{ Name = $_.Name; Params = @($_.Parameters.Name) } })
      [pscustomobject]@{ Default = $c.DefaultParameterSet; Sets = $sets }`, { cmdlet: op.cmdlet });
    assert.ok(r.ok, r.terminatingError?.message);
    const c = r.output[0] as { Default: string; Sets: { Name: string; Params: string[] }[] };
    assert.equal(c.Default, 'ComputerName', op.cmdlet);
    for (const set of c.Sets) {
      assert.ok(!(set.Params.includes('Session') && set.Params.includes('Credential')), `${op.cmdlet} set ${set.Name} takes both`);
    }
    assert.ok(c.Sets.some((s) => s.Params.includes('Session')), `${op.cmdlet} has a Session set`);
  }
  // Binding the pair for real needs an open session: test/remote/session-credential.test.ts does it over loopback SSH.
});

test('Test-MfaServerUpgrade declares its output per parameter set: Verification objects, or one line of text with -Detection', async () => {
  const r = await ps.run(String.raw`
    (Get-Command Test-MfaServerUpgrade).ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.OutputTypeAttribute] } |
      ForEach-Object { [pscustomobject]@{ Type = $_.Type[0].Name; Sets = @($_.ParameterSetName) } }
    (Get-Command Test-MfaServerUpgrade -ArgumentList $null).ParameterSets | Where-Object { $_.Name -eq 'Detection' } | ForEach-Object { @($_.Parameters | Where-Object IsMandatory).Name }`);
  assert.ok(r.ok, r.terminatingError?.message);
  const types = r.output.filter((o) => typeof o === 'object') as { Type: string; Sets: string[] }[];
  assert.deepEqual(types, [
    { Type: 'MfaServerUpgrade.Verification', Sets: ['ComputerName', 'Session'] },
    { Type: 'System.String', Sets: ['Detection'] },
  ]);
  assert.ok(r.output.includes('Detection'), '-Detection selects its set');
});

test('every type an exported command outputs has a format view', async () => {
  const r = await ps.run(String.raw`
    foreach ($c in Get-Command -Module MfaServerUpgrade) {
      foreach ($t in $c.OutputType) {
        if ($t.Name -like 'System.*') { continue }
        [pscustomobject]@{ Command = $c.Name; Type = $t.Name; Views = @(Get-FormatData -TypeName $t.Name).Count }
      }
    }`);
  assert.ok(r.ok, r.terminatingError?.message);
  const rows = r.output as { Command: string; Type: string; Views: number }[];
  assert.equal(new Set(rows.map((x) => x.Command)).size, ops.length, 'every command declares a typed output');
  for (const row of rows) assert.ok(row.Views >= 1, `${row.Command}: ${row.Type} has no view`);
});
