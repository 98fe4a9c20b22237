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
