// PSScriptAnalyzer (../shared/tools, the PowerShell Gallery's linter, with the project's settings: default rules plus the
// Windows PowerShell 5.1 checks) over every PowerShell file the project ships or sends: the generated module, the
// transport sources, the ConfigMgr / Intune kit, and the remoting scripts the core sends to servers (extracted to
// build/remote-scripts by the build). Any finding fails, except the remoting scripts' recorded ones below.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pwshExecutable, repoRoot } from '../helpers/pwsh';

const tools = path.resolve(repoRoot, '..', 'shared', 'tools');

/**
 * Findings of the remoting scripts not fixed yet, as "<file> <rule>" with their count: the far side keeps its core in
 * global variables between Invoke-Command calls of one session (PSAvoidGlobalVars), and the analyzer reads the
 * parameters of the script blocks run with Invoke-Command -ArgumentList as missing $using: (a false positive). A new
 * finding, or one more of these, fails the test; fewer fails it too, so the list shrinks as they are fixed.
 */
const REMOTE_SCRIPTS_KNOWN: Record<string, number> = {
  'CLOSE_SESSION.ps1 PSAvoidUsingEmptyCatchBlock': 1,
  'CLOSE_SESSION.ps1 PSAvoidGlobalVars': 3,
  'CLOSE_SESSION.ps1 PSUseUsingScopeModifierInNewRunspaces': 3,
  'COPY_MODULE.ps1 PSUseUsingScopeModifierInNewRunspaces': 5,
  'RUN_FAR_SERVE.ps1 PSAvoidGlobalVars': 7,
  'RUN_FAR_SERVE.ps1 PSUseUsingScopeModifierInNewRunspaces': 3,
  'RUN_FAR_CORE.ps1 PSUseUsingScopeModifierInNewRunspaces': 4,
};

function analyze(paths: string[]): { File: string; Line: number; Rule: string; Message: string }[] {
  const script = path.join(mkdtempSync(path.join(os.tmpdir(), 'mfa-pssa-')), 'analyze.ps1');
  writeFileSync(script, String.raw`
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $env:PSSA_TOOLS 'PSScriptAnalyzer/PSScriptAnalyzer.psd1')
    $found = foreach ($p in ($env:PSSA_PATHS -split [IO.Path]::PathSeparator)) {
      Invoke-ScriptAnalyzer -Path $p -Recurse -Settings (Join-Path $env:PSSA_TOOLS 'PSScriptAnalyzerSettings.psd1') |
        ForEach-Object { [pscustomobject]@{ File = $_.ScriptName; Line = $_.Line; Rule = $_.RuleName; Message = $_.Message } }
    }
    ConvertTo-Json -Depth 3 -InputObject @($found)`);
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, PSSA_TOOLS: tools, PSSA_PATHS: paths.join(path.delimiter) },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout || '[]');
}

test('PSScriptAnalyzer: zero findings on the generated module, the transport sources and the deploy kit', { skip: !existsSync(tools) && 'shared/tools missing' }, () => {
  const findings = analyze(['ps-module/MfaServerUpgrade', 'ps-module/src', 'deploy'].map((p) => path.join(repoRoot, p)));
  assert.deepEqual(findings.map((f) => `${f.File}:${f.Line} ${f.Rule}: ${f.Message}`), []);
});

test('PSScriptAnalyzer: the remoting scripts the core sends have no finding beyond the recorded ones', { skip: !existsSync(tools) && 'shared/tools missing' }, () => {
  const dir = path.join(repoRoot, 'build', 'remote-scripts');
  assert.ok(existsSync(path.join(dir, 'OPEN_SESSION.ps1')), 'npm run build extracts them');
  const counts: Record<string, number> = {};
  for (const f of analyze([dir])) counts[`${f.File} ${f.Rule}`] = (counts[`${f.File} ${f.Rule}`] ?? 0) + 1;
  const expected = Object.fromEntries(Object.entries(REMOTE_SCRIPTS_KNOWN).filter(([, n]) => n > 0));
  assert.deepEqual(counts, expected);
});
