// PSScriptAnalyzer (../shared/tools, the PowerShell Gallery's linter, with the project's settings committed in
// ps-module/PSScriptAnalyzerSettings.psd1: default rules plus the Windows PowerShell 5.1 checks) over every PowerShell
// file the project ships or sends: the generated module, the transport sources, the ConfigMgr / Intune kit, and the
// remoting scripts the core sends to servers (extracted to build/remote-scripts by the build). Any finding fails;
// suppressions in them carry their justification.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pwshExecutable, repoRoot } from '../helpers/pwsh';

const tools = path.resolve(repoRoot, '..', 'shared', 'tools');
const settings = path.join(repoRoot, 'ps-module', 'PSScriptAnalyzerSettings.psd1');
// In CI a missing analyzer is a failure (a lint that silently skips proves nothing); on a developer's machine without
// ../shared/tools the tests say why they skip.
const analyzerMissing = !existsSync(path.join(tools, 'PSScriptAnalyzer', 'PSScriptAnalyzer.psd1'));
const skip = analyzerMissing && !process.env.CI && 'the analyzer (../shared/tools/PSScriptAnalyzer) is missing';

function assertAnalyzerPresent(): void {
  assert.ok(!analyzerMissing, `PSScriptAnalyzer is missing at ${tools}: CI must lint the PowerShell, not skip it`);
}

function analyze(paths: string[]): { File: string; Line: number; Rule: string; Message: string }[] {
  const script = path.join(mkdtempSync(path.join(os.tmpdir(), 'mfa-pssa-')), 'analyze.ps1');
  writeFileSync(script, String.raw`
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $env:PSSA_TOOLS 'PSScriptAnalyzer/PSScriptAnalyzer.psd1')
    $found = foreach ($p in ($env:PSSA_PATHS -split [IO.Path]::PathSeparator)) {
      Invoke-ScriptAnalyzer -Path $p -Recurse -Settings $env:PSSA_SETTINGS |
        ForEach-Object { [pscustomobject]@{ File = $_.ScriptName; Line = $_.Line; Rule = $_.RuleName; Message = $_.Message } }
    }
    ConvertTo-Json -Depth 3 -InputObject @($found)`);
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], {
    encoding: 'utf8',
    cwd: repoRoot,
    env: { ...process.env, PSSA_TOOLS: tools, PSSA_SETTINGS: settings, PSSA_PATHS: paths.join(path.delimiter) },
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout || '[]');
}

test('PSScriptAnalyzer: zero findings on the generated module, the transport sources, the deploy kit and the package\'s signing script', { skip }, () => {
  assertAnalyzerPresent();
  const findings = analyze(['ps-module/MfaServerUpgrade', 'ps-module/src', 'deploy', 'scripts/package-sign.ps1'].map((p) => path.join(repoRoot, p)));
  assert.deepEqual(findings.map((f) => `${f.File}:${f.Line} ${f.Rule}: ${f.Message}`), []);
});

test('PSScriptAnalyzer: zero findings on the remoting scripts the core sends', { skip }, () => {
  assertAnalyzerPresent();
  const dir = path.join(repoRoot, 'build', 'remote-scripts');
  assert.ok(existsSync(path.join(dir, 'OPEN_SESSION.ps1')), 'npm run build extracts them');
  const findings = analyze([dir]);
  assert.deepEqual(findings.map((f) => `${f.File}:${f.Line} ${f.Rule}: ${f.Message}`), []);
});
