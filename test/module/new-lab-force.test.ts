// New-MfaLab -Force replaces a lab, and only what the lab made: a folder that merely holds a server.json or lab.json
// (a project of the admin's) is never deleted, and files the admin added to a lab survive its replacement.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-labforce-'));
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
});

test('a project folder with a server.json and lab.json is not a lab: -Force refuses and deletes nothing', async () => {
  const project = path.join(dir, 'project');
  mkdirSync(path.join(project, 'src'), { recursive: true });
  writeFileSync(path.join(project, 'server.json'), '{"port": 8080}\n');
  writeFileSync(path.join(project, 'lab.json'), '{"experiments": []}\n');
  writeFileSync(path.join(project, 'src', 'main.ts'), 'export {};\n');
  const r = await ps.run('New-MfaLab -Path $V.project -Force -Confirm:$false', { project });
  const err = r.errors[0] ?? r.terminatingError;
  assert.equal(err?.fullyQualifiedErrorId, 'NotALab,New-MfaLab', JSON.stringify(r));
  assert.equal(readFileSync(path.join(project, 'src', 'main.ts'), 'utf8'), 'export {};\n');
  assert.equal(readFileSync(path.join(project, 'server.json'), 'utf8'), '{"port": 8080}\n');
});

test('-Force replaces a lab it made and keeps what the admin added to the folder', async () => {
  const lab = path.join(dir, 'lab');
  const made = await ps.run("$null = New-MfaLab -Path $V.lab -Scenario AgentOnly -Confirm:$false", { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  mkdirSync(path.join(lab, 'notes'));
  writeFileSync(path.join(lab, 'notes', 'change-ticket.txt'), 'CHG0042');
  const again = await ps.run("New-MfaLab -Path $V.lab -Scenario SingleServer -Force -Confirm:$false | Select-Object -ExpandProperty Scenario", { lab });
  assert.ok(again.ok, again.terminatingError?.message);
  assert.deepEqual(again.errors, []);
  assert.deepEqual(again.output, ['SingleServer']);
  assert.equal(readFileSync(path.join(lab, 'notes', 'change-ticket.txt'), 'utf8'), 'CHG0042', 'what the lab did not create is kept');
  assert.ok(existsSync(path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor', 'web.config')), 'the new lab is there');
});

test('-Force rebuilds only what the lab made: files the admin put anywhere under C\\ stay, with the same bytes, even after an upgrade', async () => {
  const lab = path.join(dir, 'deep');
  const made = await ps.run('$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  const dataFile = path.join(lab, 'C', 'Program Files', 'PhoneFactor', 'Data', 'Phonefactor.pfdata');
  const labDataFile = readFileSync(dataFile);
  // The admin's files: top level of C\, deep new folders, a new folder inside the lab's own web folder, and a copy of a
  // real data file dropped over the lab's (as the help invites), binary bytes included.
  const admin: Record<string, Buffer> = {
    [path.join(lab, 'C', 'admin-notes.txt')]: Buffer.from('top of C\r\n'),
    [path.join(lab, 'C', 'Users', 'admin', 'Documents', 'a', 'b', 'c', 'deep.bin')]: Buffer.from([0, 1, 2, 255, 254, 13, 10]),
    [path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor', 'App_Themes', 'Mine', 'site.css')]: Buffer.from('body { color: red }'),
    [dataFile]: Buffer.from('REAL PFDATA COPY \u00e9', 'utf8'),
  };
  for (const [file, bytes] of Object.entries(admin)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  // The lab writes after its creation too (an upgrade): those files are the lab's and go.
  const up = await ps.run(
    "Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $V.dest -Confirm:$false -WarningAction SilentlyContinue | Select-Object -ExpandProperty Status",
    { lab, dest: path.join(dir, 'deep-backups') },
  );
  assert.deepEqual(up.output, ['Completed'], up.terminatingError?.message);
  const upgradedWebConfig = path.join(lab, 'C', 'inetpub', 'wwwroot', 'MultiFactorAuth', 'web.config');
  assert.ok(existsSync(upgradedWebConfig), 'the upgrade wrote the new portal');

  const again = await ps.run('New-MfaLab -Path $V.lab -Force -Confirm:$false | Select-Object -ExpandProperty ComputerName', { lab });
  assert.ok(again.ok, again.terminatingError?.message);
  assert.deepEqual(again.output, ['MFA01']);
  for (const [file, bytes] of Object.entries(admin)) assert.deepEqual(readFileSync(file), bytes, `${file} kept with its bytes`);
  assert.ok(!existsSync(upgradedWebConfig), 'what the upgrade made in the lab is gone');
  const legacy = await ps.run('@(Get-PhoneFactorComponent -LabPath $V.lab | Where-Object { -not $_.IsLegacy }).Count', { lab });
  assert.deepEqual(legacy.output, [0], 'the rebuilt lab is a PhoneFactor server again');
  assert.ok(existsSync(path.join(lab, 'C', 'inetpub', 'wwwroot', 'PhoneFactor', 'web.config')), 'the lab\'s own files are back');
  assert.ok(!existsSync(path.join(lab, '.mfalab-kept')), 'nothing is left aside');

  // And again: the admin's files are still told from the lab's (the data file was never the lab's bytes).
  const third = await ps.run('$null = New-MfaLab -Path $V.lab -Force -Confirm:$false', { lab });
  assert.ok(third.ok, third.terminatingError?.message);
  for (const [file, bytes] of Object.entries(admin)) assert.deepEqual(readFileSync(file), bytes, `${file} kept a second time`);
  assert.notDeepEqual(readFileSync(dataFile), labDataFile);
});

test('a lab made before labs recorded their files is not replaced by -Force (its files cannot be told from the admin\'s), and nothing is removed', async () => {
  const lab = path.join(dir, 'older');
  const made = await ps.run('$null = New-MfaLab -Path $V.lab -Scenario AgentOnly -Confirm:$false', { lab });
  assert.ok(made.ok, made.terminatingError?.message);
  const markFile = path.join(lab, '.mfalab');
  const mark = JSON.parse(readFileSync(markFile, 'utf8')) as { servers?: string[]; entries: string[] };
  delete mark.servers;
  mark.entries = mark.entries.filter((e) => e !== '.mfalab-files');
  writeFileSync(markFile, JSON.stringify(mark));
  const mine = path.join(lab, 'C', 'mine', 'keep.txt');
  mkdirSync(path.dirname(mine), { recursive: true });
  writeFileSync(mine, 'mine');
  const r = await ps.run('New-MfaLab -Path $V.lab -Force -Confirm:$false', { lab });
  const err = r.terminatingError ?? r.errors[0];
  assert.equal(err?.fullyQualifiedErrorId, 'LabExists,New-MfaLab', JSON.stringify(r));
  assert.match(err.message, /earlier New-MfaLab/);
  assert.equal(readFileSync(mine, 'utf8'), 'mine');
  assert.ok(existsSync(path.join(lab, 'server.json')));
});
