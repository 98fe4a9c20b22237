// Backup-PhoneFactor -Retain (issue 12 item 2) through real pwsh on a lab: a backup dated in the future by its manifest
// never makes the command delete the backup it has just made, and the output says what was kept and removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-retain-'));
  ps = await openModuleSession(dir);
  const made = await ps.run("$null = New-MfaLab -Path (Join-Path $V.dir 'lab') -Confirm:$false", { dir });
  assert.ok(made.ok, made.terminatingError?.message);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

interface BackupOut {
  BackupPath: string;
  RemovedBackups: string[];
  KeptBackups: string[];
}
const BACKUP = "Backup-PhoneFactor -LabPath (Join-Path $V.dir 'lab') -Destination (Join-Path $V.dir 'backups') -Confirm:$false -Verbose";

test('-Retain 1 keeps the backup it made although another manifest is dated in the future; the output names what went', async () => {
  const first = (await ps.run(BACKUP, { dir })).output[0] as BackupOut;
  const skewed = (await ps.run(BACKUP, { dir })).output[0] as BackupOut;
  const manifestFile = path.join(skewed.BackupPath, 'manifest.json');
  writeFileSync(manifestFile, JSON.stringify({ ...JSON.parse(readFileSync(manifestFile, 'utf8')), createdUtc: '2099-01-01T00:00:00.000Z' }));

  const r = await ps.run(`${BACKUP} -Retain 1`, { dir });
  assert.deepEqual(r.errors, []);
  const out = r.output[0] as BackupOut;
  assert.ok(existsSync(out.BackupPath), 'the backup the command reports exists');
  assert.deepEqual([...out.RemovedBackups].sort(), [first.BackupPath, skewed.BackupPath].sort());
  assert.deepEqual(out.KeptBackups, []);
  assert.deepEqual(readdirSync(path.join(dir, 'backups')), [path.basename(out.BackupPath)]);
  assert.ok(r.information.concat(r.verbose).some((l) => String(l).includes(`Retention removed ${skewed.BackupPath}: older than the newest ones kept`)), JSON.stringify(r.verbose));
});
