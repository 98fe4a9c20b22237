// The generated about_ topics load with Get-Help from the imported module, and about_MfaServerUpgrade_Errors lists
// exactly the catalog (`mfa-core --list`: the core's own ERROR_CATALOG) with each code's category, meaning and action,
// and the exit codes. Each category is a real PowerShell ErrorCategory.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { openModuleSession } from '../helpers/pwsh';
import { corePath } from '../helpers/contracts';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

interface Listing {
  operations: { cmdlet: string }[];
  errors: { code: string; category: string; meaning: string; action: string }[];
  upgradeExitCodes: { code: number }[];
  undoExitCodes: { code: number }[];
  coreExitCodes: { code: number }[];
}
const listing = JSON.parse(execFileSync(process.execPath, [corePath, '--list'], { encoding: 'utf8' })) as Listing;
let ps: PowerShellSession;

before(async () => {
  ps = await openModuleSession();
});
after(async () => {
  await ps.close();
});

async function helpText(name: string): Promise<string> {
  const r = await ps.run('Get-Help -Name $V.name | Out-String -Width 200', { name });
  assert.ok(r.ok, r.terminatingError?.message);
  return (r.output as string[]).join('');
}

/** The topic's entries: code -> its text (the indented lines under it), words joined. */
function entries(topicText: string): Map<string, string> {
  const section = topicText.split(/^ERROR CODES\s*$/m)[1].split(/^EXIT CODES/m)[0];
  const out = new Map<string, string>();
  let current = '';
  for (const line of section.split(/\r?\n/)) {
    const head = /^ {4}([A-Za-z]+)\s*$/.exec(line);
    if (head) out.set((current = head[1]), '');
    else if (current && line.trim()) out.set(current, `${out.get(current)} ${line.trim()}`.trim());
  }
  return out;
}

test('Get-Help about_MfaServerUpgrade_Errors lists every code of the catalog, and nothing else, with what to do', async () => {
  const text = await helpText('about_MfaServerUpgrade_Errors');
  const listed = entries(text);
  assert.deepEqual([...listed.keys()].sort(), listing.errors.map((e) => e.code).sort());
  for (const e of listing.errors) {
    assert.equal(listed.get(e.code), `Category: ${e.category}. Meaning: ${e.meaning} What to do: ${e.action}`, e.code);
  }
  for (const c of [...listing.upgradeExitCodes, ...listing.undoExitCodes, ...listing.coreExitCodes]) assert.match(text, new RegExp(`^ {4}${c.code}\\s*$`, 'm'));
  assert.match(text, /^ {4}69003\s*$/m);
  assert.match(text, /^ {4}69023\s*$/m);
  assert.match(text, /EXIT CODES OF AN UNATTENDED UNDO/);
});

test('every catalog category is a PowerShell ErrorCategory', async () => {
  const r = await ps.run('@($V.names | Where-Object { -not [Enum]::IsDefined([System.Management.Automation.ErrorCategory], [string]$_) })', {
    names: [...new Set(listing.errors.map((e) => e.category))],
  });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, []);
});

test('Get-Help about_MfaServerUpgrade describes the module and names every exported command', async () => {
  const text = await helpText('about_MfaServerUpgrade');
  assert.match(text, /about_MfaServerUpgrade_Errors/);
  assert.match(text, /Migration Utility/);
  const r = await ps.run('@((Get-Command -Module MfaServerUpgrade).Name)');
  assert.ok(r.ok);
  for (const name of r.output as string[]) assert.ok(text.includes(name), name);
});

test('an error record carries the catalog category and its recommended action', async () => {
  const r = await ps.run(String.raw`
    try { Merge-MfaWebConfig -Path (Join-Path $V.dir 'no-such-web.config') -ReferencePath (Join-Path $V.dir 'no-such-ref.config') -Confirm:$false -ErrorAction Stop; 'no error' }
    catch { [pscustomobject]@{ Id = $_.FullyQualifiedErrorId; Category = [string]$_.CategoryInfo.Category; Action = $_.ErrorDetails.RecommendedAction } }`,
  { dir: tmpdir() });
  assert.ok(r.ok, r.terminatingError?.message);
  const rec = r.output[0] as { Id: string; Category: string; Action: string };
  const code = rec.Id.split(',')[0];
  const entry = listing.errors.find((e) => e.code === code);
  assert.ok(entry, rec.Id);
  assert.equal(rec.Category, entry.category);
  assert.equal(rec.Action, entry.action);
});
