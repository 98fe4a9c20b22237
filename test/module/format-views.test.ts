// The default views (MfaServerUpgrade.format.ps1xml, generated from each contract's `view`) as an admin sees them in
// real pwsh at 80 and 120 columns, compared with recorded expectation files (test/module/fixtures/views/*.txt, reviewed
// by eye). The sample objects are checked against each contract's output schema first, so they cannot drift from what
// the cmdlets return; Get-PhoneFactorComponent and Merge-MfaWebConfig are also rendered from real runs on a lab.
// To record again after a deliberate change of a view: MFA_RECORD_VIEWS=1 node scripts/run-tests.mjs <this file>,
// then read the diff of the .txt files.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Ajv } from 'ajv';
import { openModuleSession, repoRoot } from '../helpers/pwsh';
import { listedOperations } from '../helpers/contracts';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const fixtures = path.join(repoRoot, 'test', 'module', 'fixtures', 'views');
const samples = JSON.parse(readFileSync(path.join(fixtures, 'samples.json'), 'utf8')) as Record<string, unknown[]>;
const record = process.env.MFA_RECORD_VIEWS === '1';
const WIDTHS = [80, 120] as const;
let ps: PowerShellSession;
let dir: string;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-views-'));
  // Dates in the objects (PowerShell 7's ConvertFrom-Json reads ISO strings as DateTime) render in one zone and culture.
  ps = await openModuleSession(dir, { ...process.env, TZ: 'UTC', LANG: 'en_US.UTF-8', LC_ALL: 'en_US.UTF-8' });
  const culture = await ps.run("[System.Globalization.CultureInfo]::CurrentCulture = 'en-US'; [System.Globalization.CultureInfo]::CurrentCulture.Name");
  assert.equal(culture.output[0], 'en-US');
});
after(async () => {
  await ps.close();
});

/** The rendered text, with trailing blanks of each line removed (Out-String pads the last column). */
const tidy = (text: string) => text.replace(/[ \t]+$/gm, '').replace(/\r\n/g, '\n');

function compare(name: string, width: number, rendered: string) {
  const file = path.join(fixtures, `${name}.${width}.txt`);
  if (record || !existsSync(file)) {
    writeFileSync(file, rendered);
    if (!record) assert.fail(`${file} was missing and has been recorded: review it, then run again`);
    return;
  }
  assert.equal(rendered, readFileSync(file, 'utf8'), `${name} at ${width} columns differs from ${path.relative(repoRoot, file)}`);
}

function assertFits(name: string, width: number, rendered: string) {
  const lines = rendered.split('\n');
  for (const line of lines) assert.ok(line.length <= width, `${name} at ${width}: a line of ${line.length} characters: ${line}`);
  // Each header is one line, underlined on the next one: a header that wraps puts more text lines before the dashes.
  const dashes = lines.findIndex((l) => /^-+( +-+)*$/.test(l));
  if (dashes > 0) assert.match(lines[dashes - 1], /^\S/, `${name} at ${width}: the header is one line`);
}

async function render(script: string, values: Record<string, unknown>, width: number): Promise<string> {
  const r = await ps.run(`${script} | Out-String -Width $V.width`, { ...values, width });
  assert.ok(r.ok, r.terminatingError?.message);
  return tidy(r.output.join(''));
}

test('every output type has schema-valid samples and a default view that fits 80 and 120 columns as recorded', async () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const types = [...new Set(listedOperations().map((o) => o.outputTypeName))];
  assert.deepEqual(Object.keys(samples).sort(), [...types].sort(), 'one sample list per output type');
  for (const op of listedOperations()) {
    const validate = ajv.compile(op.output);
    for (const s of samples[op.outputTypeName]) assert.ok(validate(s), `${op.outputTypeName} sample: ${ajv.errorsText(validate.errors)}`);
  }
  for (const type of types) {
    for (const width of WIDTHS) {
      const rendered = await render(
        '$V.objects | ForEach-Object { $o = $_ | ConvertTo-Json -Depth 5 | ConvertFrom-Json; $o.PSObject.TypeNames.Insert(0, $V.type); $o }',
        { objects: samples[type], type },
        width,
      );
      assertFits(type, width, rendered);
      compare(type, width, rendered);
    }
  }
});

test('Get-PhoneFactorComponent from a lab: grouped by server, headers on one line, InstallPath shown at 80 and 120', async () => {
  const lab = path.join(dir, 'lab');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SeparateWebServer | Out-Null', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  for (const width of WIDTHS) {
    const rendered = await render('Get-PhoneFactorComponent -LabPath $V.lab -ComputerName MFA01, WEB01', { lab }, width);
    assertFits('Get-PhoneFactorComponent', width, rendered);
    assert.match(rendered, /ComputerName: MFA01[\s\S]*ComputerName: WEB01/);
    assert.match(rendered, /^Component +Version +VirtualDirectory +InstallPath$/m);
    compare('lab.Get-PhoneFactorComponent', width, rendered);
  }
});

test('Merge-MfaWebConfig from real files: Action, old and new values shown at 80 and 120', async () => {
  const source = path.join(repoRoot, 'test', 'fixtures', 'webconfig', 'userportal');
  const target = path.join(dir, 'web.config');
  copyFileSync(path.join(source, 'multifactorauth-default.web.config'), target);
  const merge = "Merge-MfaWebConfig -Path $V.t -ReferencePath $V.r -WebServiceSdkUrl 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx' -WhatIf:$false";
  const r = await ps.run(`$global:merged = ${merge} -Confirm:$false; @($global:merged).Count`, { t: target, r: path.join(source, 'phonefactor-backup.web.config') });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.ok(Number(r.output[0]) > 3);
  for (const width of WIDTHS) {
    // The temporary folder differs per run: the heading names it as <dir>.
    const rendered = (await render('$global:merged', {}, width)).split(dir).join('<dir>');
    assertFits('Merge-MfaWebConfig', width, rendered);
    assert.match(rendered, /^Action +Name +OldValue +NewValue$/m);
    assert.match(rendered, /^Updated +WEB_SERVICE_SDK_AUTHENTICATI +\*{8} \([0-9a-f]{6}\) +\*{8}/m);
    assert.match(rendered, /\*{8} \([0-9a-f]{6}\)/, 'the masked password value is shown');
    compare('lab.Merge-MfaWebConfig', width, rendered.replace(/(\*{8} \()[0-9a-f]{6}\)/g, '$1xxxxxx)'));
  }
});
