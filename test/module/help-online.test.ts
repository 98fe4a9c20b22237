// Help online and from the contracts (issue 28 item 6), through real pwsh: every cmdlet's HelpUri and the manifest's
// HelpInfoURI come from package.json's homepage; Get-Help -Online opens the cmdlet's page (a recording xdg-open stands
// in for the browser); each page is committed under docs/help; `Default value` shows every default the contract states.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession, modulePath, repoRoot } from '../helpers/pwsh';
import { listedOperations } from '../helpers/contracts';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const homepage = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { homepage: string }).homepage;
const ops = listedOperations();
let ps: PowerShellSession;
let opened: string;

before(async () => {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'mfa-browser-'));
  opened = path.join(bin, 'opened.txt');
  // .NET opens a URL on Linux with xdg-open from PATH: this one writes down what it was asked to open.
  writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\necho "$1" >> '${opened}'\n`);
  chmodSync(path.join(bin, 'xdg-open'), 0o755);
  ps = await openModuleSession(repoRoot, { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` });
});
after(async () => {
  await ps.close();
});

test('every cmdlet has a HelpUri to its committed page, and the manifest a HelpInfoURI, both under package.json\'s homepage', async () => {
  assert.match(homepage, /^https:\/\/github\.com\/[^/]+\/MfaServerUpgrade$/);
  const r = await ps.run(String.raw`
    $m = Import-PowerShellDataFile -LiteralPath (Join-Path $V.module 'MfaServerUpgrade.psd1')
    [pscustomobject]@{ HelpInfoUri = $m.HelpInfoURI; Loaded = (Get-Module MfaServerUpgrade).HelpInfoUri
      Uris = @($V.cmdlets | ForEach-Object { [pscustomobject]@{ Name = $_; Uri = (Get-Command $_).HelpUri } }) }`,
  { module: modulePath, cmdlets: ops.map((o) => o.cmdlet) });
  assert.ok(r.ok, r.terminatingError?.message);
  const got = r.output[0] as { HelpInfoUri: string; Loaded: string; Uris: { Name: string; Uri: string }[] };
  assert.equal(got.HelpInfoUri, `${homepage}/releases/latest/download/`);
  assert.equal(got.Loaded, got.HelpInfoUri);
  for (const { Name, Uri } of got.Uris) {
    assert.equal(Uri, `${homepage}/blob/main/docs/help/${Name}.md`, Name);
    const page = path.join(repoRoot, 'docs', 'help', `${Name}.md`);
    assert.ok(existsSync(page), `${page} is committed (the build writes it)`);
    assert.match(readFileSync(page, 'utf8'), new RegExp(`^# ${Name}$`, 'm'));
  }
});

test('Get-Help -Online opens the cmdlet\'s page', async () => {
  const r = await ps.run('Get-Help Restore-PhoneFactor -Online; Start-Sleep -Milliseconds 500');
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.equal(readFileSync(opened, 'utf8').trim(), `${homepage}/blob/main/docs/help/Restore-PhoneFactor.md`);
});

test('Default value shows the defaults the contracts state (ThrottleLimit 8, RemotePort 22, ...), None where there is none', async () => {
  const full = await ps.run("Get-Help Get-PhoneFactorComponent -Full | Out-String -Width 200");
  const text = (full.output as string[]).join('');
  assert.match(text, /-ThrottleLimit <Int32>[\s\S]*?Default value\s+8\s*$/m);
  assert.match(text, /-RemotePort <Int32>[\s\S]*?Default value\s+\$env:MFA_REMOTE_SSH_PORT, else 22\s*$/m);
  let checked = 0;
  for (const op of ops) {
    const r = await ps.run('Get-Help $V.cmdlet -Full | ForEach-Object { $_.parameters.parameter } | ForEach-Object { [pscustomobject]@{ Name = $_.name; Default = [string]$_.defaultValue } }', { cmdlet: op.cmdlet });
    assert.ok(r.ok, r.terminatingError?.message);
    const shown = new Map((r.output as { Name: string; Default: string }[]).map((p) => [p.Name, p.Default]));
    for (const [name, schema] of Object.entries(op.input.properties) as [string, { default?: unknown; description?: string }][]) {
      const said = /\bDefault: (.+?)\.(?:\s|$)/.exec(schema.description ?? '')?.[1];
      const expected = schema.default === undefined ? said ?? 'None' : typeof schema.default === 'string' ? schema.default : JSON.stringify(schema.default);
      assert.equal(shown.get(name), expected, `${op.cmdlet} -${name}`);
      if (expected !== 'None') checked++;
    }
  }
  assert.ok(checked > 40, `${checked} parameters with a stated default`);
});
