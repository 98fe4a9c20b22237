// Issue 23 item 13 end to end: an upgrade keeps the settings an old web.config kept in other files. The User portal
// takes appSettings entries from custom.config (file=) and its connection strings from cs.config (configSource=).
// After Invoke-MfaServerUpgrade the new portal (a new folder, /MultiFactorAuth) has the custom.config values (the merge
// read them from the backup and carried them inline); cs.config is put beside the new web.config and the run pauses
// at the merge step naming the one change the new web.config needs; -Resume completes once it is made. .NET's own
// configuration reader (test/dotnet-config-judge) judges the result. Real pwsh, the built module, a lab server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { judge } from '../helpers/config-judge';
import { INVOKE_UPGRADE, LAB_INSTALLER_PATH, makeTempRoot, runOk, type UpgradeResult } from './helpers';

const CUSTOM_CONFIG = '<?xml version="1.0" encoding="utf-8"?>\r\n<appSettings>\r\n  <add key="PORTAL_BRAND" value="Contoso Blue" />\r\n</appSettings>\r\n';
const CS_CONFIG = '<?xml version="1.0" encoding="utf-8"?>\r\n<connectionStrings>\r\n' +
  '  <add name="Audit" connectionString="Server=sql01;Database=Audit;Integrated Security=true" />\r\n</connectionStrings>\r\n';

let ps: PowerShellSession;
const root = makeTempRoot('referenced-files');
const lab = path.join(root, 'lab');
const backups = path.join(root, 'backups');
const oldPortal = path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor');
const newPortal = path.join(lab, 'C', 'inetpub', 'wwwroot', 'MultiFactorAuth');

before(async () => {
  ps = await openModuleSession(root);
  await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SingleServer -Confirm:$false | Out-Null', { lab });
  const webConfig = path.join(oldPortal, 'web.config');
  const text = readFileSync(webConfig, 'utf8');
  writeFileSync(webConfig, text.replace('<appSettings>', '<appSettings file="custom.config">')
    .replace('</appSettings>\r\n', '</appSettings>\r\n  <connectionStrings configSource="cs.config" />\r\n'));
  writeFileSync(path.join(oldPortal, 'custom.config'), CUSTOM_CONFIG);
  writeFileSync(path.join(oldPortal, 'cs.config'), CS_CONFIG);
  // .NET reads both files through the old web.config: the yardstick of what the new one must give.
  const [old] = judge([webConfig]);
  assert.ok(old.ok, old.error);
  assert.equal(old.appSettings?.PORTAL_BRAND, 'Contoso Blue');
});
after(async () => {
  await ps.close();
  rmSync(root, { recursive: true, force: true });
});

async function upgrade(resume: boolean): Promise<UpgradeResult> {
  const r = await runOk(ps, INVOKE_UPGRADE + (resume ? ' -Resume' : ''), { lab, installer: LAB_INSTALLER_PATH, backups });
  assert.equal(r.output.length, 1);
  return r.output[0] as UpgradeResult;
}

test('the upgrade carries custom.config\'s settings, puts cs.config beside the new web.config and pauses for its configSource=', async () => {
  const first = await upgrade(false);
  assert.equal(first.Status, 'Paused', `${first.Message} / ${first.NextAction}`);
  assert.equal(first.ExitCode, 69001);
  assert.match(first.Message, /MultiFactorAuth\\web\.config does not take connectionStrings from cs\.config as the old web\.config did/);
  assert.match(first.Message, /set configSource="cs\.config" on <connectionStrings>/);
  const paused = first.Steps.find((s) => s.Status !== 'Completed')!;
  assert.match(paused.Id, /merge-webconfig:UserPortal$/i);

  // The run's backup holds both files, hashed, and (as a Backup-PhoneFactor backup) the IIS sections and the products list.
  const manifest = JSON.parse(readFileSync(path.join(first.BackupPath[0], 'manifest.json'), 'utf8')) as { files: { relativePath: string; kind: string }[] };
  const held = manifest.files.map((f) => `${f.kind} ${f.relativePath}`);
  for (const f of ['ConfigFile UserPortal\\custom.config', 'ConfigFile UserPortal\\cs.config', 'Inventory IIS\\applications.json', 'Inventory products.json']) {
    assert.ok(held.includes(f), `${f} is in the upgrade's backup (${held.join(', ')})`);
  }
  // cs.config is already beside the new web.config, byte for byte.
  assert.equal(readFileSync(path.join(newPortal, 'cs.config'), 'utf8'), CS_CONFIG);
  const webConfig = path.join(newPortal, 'web.config');
  const [merged] = judge([webConfig]);
  assert.ok(merged.ok, merged.error);
  assert.equal(merged.appSettings?.PORTAL_BRAND, 'Contoso Blue', 'the file= settings were carried into the new web.config');

  // The admin makes the change the instruction names, and resumes.
  const text = readFileSync(webConfig, 'utf8');
  writeFileSync(webConfig, text.replace('</appSettings>', '</appSettings>\r\n  <connectionStrings configSource="cs.config" />'));
  const second = await upgrade(true);
  assert.equal(second.Status, 'Completed', `${second.Message} / ${second.NextAction}`);
  assert.equal(second.ExitCode, 0);
  assert.equal(readFileSync(path.join(newPortal, 'cs.config'), 'utf8'), CS_CONFIG);
  const [final] = judge([webConfig]);
  assert.ok(final.ok, final.error);
  assert.equal(final.appSettings?.PORTAL_BRAND, 'Contoso Blue');
});
