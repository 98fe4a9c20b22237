// The generated module, checked in real pwsh against the contracts it was generated from.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession, modulePath, repoRoot } from '../helpers/pwsh';
import { listedOperations } from '../helpers/contracts';
import { WRAPPER, wrappedCommand, type PowerShellSession } from '../../core/host/remote/powershell-session';
import * as remoteScripts from '../../core/host/remote/remote-scripts';
import { backupTaskCommand } from '../../core/domain/backup-task';
import { SEVEN_ONLY_QUERY, checkPowerShellText } from '../helpers/ps-syntax';
import { CORE_PROCESS_FUNCTIONS } from '../../core/generated/core-process';

let ps: PowerShellSession;
const ops = listedOperations();

before(async () => {
  ps = await openModuleSession();
});
after(async () => {
  await ps.close();
});

test('the manifest exports exactly the contracts\' cmdlets and targets Windows PowerShell 5.1 and 7', async () => {
  const r = await ps.run(String.raw`
    $m = Import-PowerShellDataFile -LiteralPath (Join-Path $V.module 'MfaServerUpgrade.psd1')
    [pscustomobject]@{ Functions = @($m.FunctionsToExport); Version = $m.PowerShellVersion; Editions = @($m.CompatiblePSEditions); Formats = @($m.FormatsToProcess)
      Exported = @((Get-Module MfaServerUpgrade).ExportedFunctions.Keys | Sort-Object) }`, { module: modulePath });
  assert.ok(r.ok, r.terminatingError?.message);
  const m = r.output[0] as { Functions: string[]; Version: string; Editions: string[]; Formats: string[]; Exported: string[] };
  const cmdlets = ops.map((o) => o.cmdlet).sort();
  assert.deepEqual([...m.Functions].sort(), cmdlets);
  assert.deepEqual(m.Exported, cmdlets);
  assert.equal(m.Version, '5.1');
  assert.deepEqual(m.Editions, ['Desktop', 'Core']);
  assert.deepEqual(m.Formats, ['MfaServerUpgrade.format.ps1xml']);
});

test('every exported command has complete help', async () => {
  for (const op of ops) {
    const r = await ps.run(String.raw`
      $h = Get-Help $V.cmdlet -Full
      [pscustomobject]@{
        Synopsis = [string]$h.Synopsis
        Description = (($h.description | ForEach-Object { $_.Text }) -join ' ')
        Parameters = @($h.parameters.parameter | Where-Object { $_.name -notin 'WhatIf','Confirm' } | ForEach-Object { [pscustomobject]@{ Name = $_.name; Text = (($_.description | ForEach-Object { $_.Text }) -join ' ') } })
        Examples = @($h.examples.example | ForEach-Object { $_.code })
        Outputs = (($h.returnValues.returnValue | ForEach-Object { $_.type.name }) -join ' ')
      }`, { cmdlet: op.cmdlet });
    assert.ok(r.ok, r.terminatingError?.message);
    const h = r.output[0] as { Synopsis: string; Description: string; Parameters: { Name: string; Text: string }[]; Examples: string[]; Outputs: string };
    assert.equal(h.Synopsis, op.synopsis, op.cmdlet);
    assert.ok(h.Description.length > 40, `${op.cmdlet} description`);
    const declared = Object.keys(op.input.properties);
    assert.deepEqual(h.Parameters.map((p) => p.Name).sort(), [...declared].sort(), `${op.cmdlet} parameters in help`);
    for (const p of h.Parameters) assert.ok(p.Text.length > 5, `${op.cmdlet} -${p.Name} has a description`);
    assert.equal(h.Examples.length, op.examples.length, `${op.cmdlet} examples`);
    assert.match(h.Outputs, new RegExp(op.outputTypeName.replace(/\./g, '\\.')), `${op.cmdlet} .OUTPUTS`);
  }
});

test('parameters are declared as the contracts say', async () => {
  for (const op of ops) {
    const r = await ps.run(String.raw`
      $c = Get-Command $V.cmdlet
      [pscustomobject]@{
        SupportsShouldProcess = $c.Parameters.ContainsKey('WhatIf')
        OutputType = @($c.OutputType | ForEach-Object { $_.Name })
        Parameters = @($c.Parameters.Values | Where-Object { $_.Name -in $V.names } | ForEach-Object {
          $attr = $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] } | Select-Object -First 1
          $set = $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] } | Select-Object -First 1
          $completer = $_.Attributes | Where-Object { $_ -is [System.Management.Automation.ArgumentCompleterAttribute] } | Select-Object -First 1
          $completes = @(if ($completer) { & $completer.ScriptBlock $V.cmdlet $_.Name '' $null @{} })
          [pscustomobject]@{ Name = $_.Name; Type = $_.ParameterType.Name; Mandatory = $attr.Mandatory; ByName = $attr.ValueFromPipelineByPropertyName; ByValue = $attr.ValueFromPipeline
            Aliases = @($_.Aliases); Set = @(if ($set) { $set.ValidValues }); Completes = $completes }
        })
      }`, { cmdlet: op.cmdlet, names: Object.keys(op.input.properties) });
    assert.ok(r.ok, r.terminatingError?.message);
    const c = r.output[0] as {
      SupportsShouldProcess: boolean;
      OutputType: string[];
      Parameters: {
        Name: string; Type: string; Mandatory: boolean; ByName: boolean; ByValue: boolean; Aliases: string[]; Set: string[]; Completes: string[];
      }[];
    };
    assert.equal(c.SupportsShouldProcess, op.changesState, `${op.cmdlet} -WhatIf support`);
    assert.deepEqual(c.OutputType, [op.outputTypeName, ...op.outputModes.map((m) => m.outputType)]);
    const required = op.input.required ?? [];
    for (const [name, schema] of Object.entries(op.input.properties)) {
      const p = c.Parameters.find((x) => x.Name === name);
      assert.ok(p, `${op.cmdlet} -${name} exists`);
      const selectsSet = Boolean(schema['x-mfa']?.mandatoryInSets) || op.outputModes.some((m) => m.parameter === name);
      assert.equal(p.Mandatory, required.includes(name) || selectsSet, `${op.cmdlet} -${name} mandatory`);
      assert.equal(p.ByName, Boolean(schema['x-mfa']?.pipeline), `${op.cmdlet} -${name} pipeline by property name`);
      assert.equal(p.ByValue, Boolean(schema['x-mfa']?.pipelineValue), `${op.cmdlet} -${name} pipeline by value`);
      assert.deepEqual([...p.Aliases].sort(), [...(schema['x-mfa']?.aliases ?? [])].sort(), `${op.cmdlet} -${name} aliases`);
      // A value of a set: ValidateSet from the schema's enum. A list of them (-SkipReadiness, -Component): completed from
      // its items' enum, not ValidateSet (which would refuse $null, none).
      assert.deepEqual(p.Set, schema.enum ?? [], `${op.cmdlet} -${name} ValidateSet`);
      assert.deepEqual(p.Completes, schema.enum ? [] : (schema.items?.enum ?? []), `${op.cmdlet} -${name} completion`);
      const objectType = (schema['x-mfa'])?.psType;
      const isPath = Boolean(schema['x-mfa']?.path);
      const plain = schema.type === 'boolean' ? 'SwitchParameter' : schema.type === 'integer' ? 'Int32' : schema.type === 'array' ? 'String[]' : 'String';
      // Path parameters take any object: the transport resolves file-system objects and refuses the rest by type.
      const expectedType = objectType ?? (isPath ? (schema.type === 'array' ? 'Object[]' : 'Object') : plain);
      assert.equal(p.Type, expectedType, `${op.cmdlet} -${name} type`);
    }
  }
});

// The module's files, and the remoting scripts as the build extracted them for the analyzer (build/remote-scripts):
// the files themselves are what must parse, BOM and all.
test('generated PowerShell parses and uses nothing Windows PowerShell 5.1 lacks', async () => {
  const remoteScriptsDir = path.join(repoRoot, 'build', 'remote-scripts');
  const remoteScriptFiles = readdirSync(remoteScriptsDir).filter((f) => f.endsWith('.ps1')).map((f) => path.join(remoteScriptsDir, f));
  assert.ok(remoteScriptFiles.length >= 9, remoteScriptFiles.join(', '));
  const files = [...readdirSync(modulePath).filter((f) => /\.(ps1|psm1|psd1)$/.test(f)).map((f) => path.join(modulePath, f)), ...remoteScriptFiles];
  assert.ok(files.length >= 11);
  for (const file of files) {
    assert.equal(readFileSync(file).subarray(0, 3).toString('hex'), 'efbbbf', `${file} carries a UTF-8 BOM for Windows PowerShell 5.1`);
  }
  const r = await ps.run(String.raw`
    foreach ($file in $V.files) {
      $tokens = $null; $errors = $null
      $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
      $sevenOnly = $ast.FindAll(${SEVEN_ONLY_QUERY}, $true)
      [pscustomobject]@{ File = $file; Errors = @($errors | ForEach-Object { $_.Message }); SevenOnly = @($sevenOnly | ForEach-Object { $_.Extent.Text }); Functions = @($ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)).Count }
    }`, { files });
  assert.ok(r.ok, r.terminatingError?.message);
  for (const f of r.output as { File: string; Errors: string[]; SevenOnly: string[] }[]) {
    assert.deepEqual(f.Errors, [], `${f.File} parses`);
    assert.deepEqual(f.SevenOnly, [], `${f.File} has no PowerShell 7-only syntax`);
  }
  // The AST walk must be able to fail: a 7-only snippet is caught by the same query.
  const probe = await ps.run(String.raw`
    $ast = [System.Management.Automation.Language.Parser]::ParseInput($V.snippet, [ref]$null, [ref]$null)
    @($ast.FindAll(${SEVEN_ONLY_QUERY}, $true)).Count`, { snippet: '$a = $b ?? 1; $a ??= 2; $c = $d ? 1 : 2; ${e}?.f; ${e}?[0]; git x && git y' });
  assert.equal(probe.output[0], 6);
});

const MODULE_MANIFEST = "C:\\Program Files\\PowerShell\\Modules\\MfaServerUpgrade\\1.0.0\\MfaServerUpgrade.psd1";

// Every piece of PowerShell text the core builds at run time (not only the generated files): the remoting scripts,
// the wrapper that runs them, and the scheduled backup task's command (which once joined '}; catch {' and never ran).
test('PowerShell text the core builds parses and uses nothing Windows PowerShell 5.1 lacks', async () => {
  const texts: Record<string, string> = {
    WRAPPER,
    wrappedCommand: wrappedCommand('Get-Date', { a: "it's" }),
    backupTaskServer: backupTaskCommand({ destination: "D:\\Backups\\O'Brien & Co", retain: 3, stopService: true, moduleManifest: MODULE_MANIFEST }),
    backupTaskLab: backupTaskCommand({ destination: 'D:\\B', retain: 1, stopService: false, labPath: 'C:\\Labs\\one', computerName: 'MFA01', moduleManifest: MODULE_MANIFEST }),
  };
  for (const [name, value] of Object.entries(remoteScripts)) if (typeof value === 'string') texts[name] = value;
  assert.ok(Object.keys(texts).length >= 12, Object.keys(texts).join(', '));
  for (const f of await checkPowerShellText(ps, texts)) {
    assert.deepEqual(f.Errors, [], `${f.Name} parses`);
    assert.deepEqual(f.SevenOnly, [], `${f.Name} has no PowerShell 7-only syntax`);
  }
  // The check can fail: the old task command's shape is refused.
  const [bad] = await checkPowerShellText(ps, { old: "try { exit 0 }; catch { exit 1 }" });
  assert.match(bad.Errors.join('\n'), /missing its Catch or Finally block/);
});

// Issue 17: one PowerShell implementation of the node lookup and the core start, for the transport and the far side.
test('the module and the far scripts find node and start the core with the same functions, and only with them', () => {
  const psm1 = readFileSync(path.join(modulePath, 'MfaServerUpgrade.psm1'), 'utf8').replace(/\r\n/g, '\n');
  const starts = (text: string) => text.split('System.Diagnostics.ProcessStartInfo').length - 1;
  assert.ok(psm1.includes(CORE_PROCESS_FUNCTIONS), 'the module inlines ps-module/src/Open-MfaCoreOnNode.ps1');
  assert.equal(starts(psm1), 1, 'the module starts node in one place');
  for (const name of ['RUN_FAR_SERVE', 'RUN_FAR_CORE'] as const) {
    assert.ok(remoteScripts[name].includes(CORE_PROCESS_FUNCTIONS), `${name} carries the module's functions`);
    assert.equal(starts(remoteScripts[name]), 1, `${name} starts node only through them`);
  }
});

test('Find-MfaNode: MFA_NODE (which must name a file), then the far side\'s hint, then node on PATH', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-find-node-'));
  const named = path.join(dir, 'named-node');
  const hint = path.join(dir, 'hint-node');
  writeFileSync(named, '');
  writeFileSync(hint, '');
  const r = await ps.run(String.raw`
    $saved = $env:MFA_NODE
    try {
      & ([scriptblock]::Create($V.functions + [Environment]::NewLine + @'
        $env:MFA_NODE = $V.named
        $named = Find-MfaNode -ModuleRoot $V.dir -Hint $V.hint
        $env:MFA_NODE = Join-Path $V.dir 'no-such-node'
        $missing = ''
        try { Find-MfaNode -ModuleRoot $V.dir | Out-Null } catch { $missing = $_.Exception.Message }
        $env:MFA_NODE = $null
        $hinted = Find-MfaNode -ModuleRoot $V.dir -Hint $V.hint
        $onPath = Find-MfaNode -ModuleRoot $V.dir -Hint (Join-Path $V.dir 'no-such-hint')
        [pscustomobject]@{ Named = $named; Missing = $missing; Hinted = $hinted; OnPath = $onPath; PathNode = (Get-Command node -CommandType Application | Select-Object -First 1).Source }
'@))
    } finally { $env:MFA_NODE = $saved }`, { functions: CORE_PROCESS_FUNCTIONS, dir, named, hint });
  assert.ok(r.ok, r.terminatingError?.message);
  const found = r.output[0] as { Named: string; Missing: string; Hinted: string; OnPath: string; PathNode: string };
  assert.equal(found.Named, named, 'MFA_NODE comes before the hint');
  assert.match(found.Missing, /MFA_NODE is set to '.*no-such-node', but no file is there/);
  assert.equal(found.Hinted, hint, 'the hint comes before PATH');
  assert.ok(found.PathNode, 'node is on PATH here');
  assert.equal(found.OnPath, found.PathNode, 'a hint naming no file is passed over for node on PATH');
});

test('state-changing cmdlets support -WhatIf/-Confirm with the contract\'s ConfirmImpact', async () => {
  for (const op of ops.filter((o) => o.changesState)) {
    const r = await ps.run(String.raw`
      $c = Get-Command $V.cmdlet
      $b = $c.ScriptBlock.Attributes | Where-Object { $_ -is [System.Management.Automation.CmdletBindingAttribute] }
      [string]$b.ConfirmImpact`, { cmdlet: op.cmdlet });
    assert.equal(r.output[0], op.confirmImpact, op.cmdlet);
  }
});
