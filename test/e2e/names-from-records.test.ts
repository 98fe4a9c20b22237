// Names that come from a record become folder names only as plain names (core/util/windows-path.ts,
// pathSegmentFromName): a computer name in a backup's inventory.json (New-MfaLab -FromBackup) or in a lab's
// server.json (the run folder MfaServerUpgrade-<servers> of Invoke-MfaServerUpgrade) can never lead a write out of
// the lab or the -BackupDestination. Real pwsh, the built module; the records are altered as an attacker would,
// with the backup's manifest re-hashed to match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { hashTree, LAB_INSTALLER_PATH, makeTempRoot, runOk } from './helpers';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = makeTempRoot('names');
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A backup of `lab` whose inventory.json names the computer `name`, its manifest entry re-hashed to match. */
function tamperComputerName(backup: string, name: string): void {
  const inventoryFile = path.join(backup, 'inventory.json');
  const inventory = JSON.parse(readFileSync(inventoryFile, 'utf8').replace(/^\uFEFF/, '')) as { ComputerName: string };
  inventory.ComputerName = name;
  writeFileSync(inventoryFile, JSON.stringify(inventory, null, 2));
  const manifestFile = path.join(backup, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: { relativePath: string; sha256: string; size?: number }[] };
  const entry = manifest.files.find((f) => f.relativePath.toLowerCase() === 'inventory.json');
  assert.ok(entry, 'the manifest lists inventory.json');
  const bytes = readFileSync(inventoryFile);
  entry.sha256 = createHash('sha256').update(bytes).digest('hex');
  if (entry.size !== undefined) entry.size = bytes.length;
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
}

/** Backups of every server of a fresh lab of `scenario`, made into `<root>/bk`. */
async function backupsOf(root: string, scenario: string): Promise<string[]> {
  const lab = path.join(root, 'orig');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Scenario $V.scenario -Confirm:$false', { lab, scenario });
  const r = await runOk(
    ps,
    'Get-PhoneFactorComponent -LabPath $V.lab | Select-Object ComputerName, LabPath -Unique | Backup-PhoneFactor -Destination $V.dest | Select-Object -ExpandProperty BackupPath',
    { lab, dest: path.join(root, 'bk') },
  );
  return r.output as string[];
}

const HOSTILE = ['../../X', '..', 'x/../../../Y', 'a\\..\\..\\Z', 'CON'];

for (const [i, name] of HOSTILE.entries()) {
  test(`New-MfaLab -FromBackup refuses the computer name ${JSON.stringify(name)} and writes nothing outside the lab`, async () => {
    // Deep enough that ../../X from the lab (or from a server folder in it) still lands inside `root`, where it is seen.
    const root = path.join(dir, `hostile-${i}`, 'a', 'b');
    mkdirSync(root, { recursive: true });
    const backups = await backupsOf(root, 'SeparateWebServer');
    const web = backups.find((b) => /WEB01/.test(path.basename(b)))!;
    tamperComputerName(web, name);
    const valid = await runOk(ps, '(Test-PhoneFactorBackup -Path $V.backup).IsValid', { backup: web });
    assert.deepEqual(valid.output, [true], 'the re-hashed backup verifies, so only the name rule stands in the way');
    const top = path.join(dir, `hostile-${i}`);
    const before = hashTree(top);

    for (const given of [[web], backups]) {
      const lab = path.join(root, given.length === 1 ? 'one' : 'two');
      const r = await ps.run('New-MfaLab -Path $V.lab -FromBackup $V.backups -Confirm:$false -WarningAction SilentlyContinue', { lab, backups: given });
      const err = r.terminatingError ?? r.errors[0];
      assert.match(err?.fullyQualifiedErrorId ?? '', /^UnsafePathName,New-MfaLab$/, JSON.stringify(r));
      assert.ok(err.message.includes(JSON.stringify(name)), err.message);
      assert.match(err.message, /inventory\.json/);
      const after = hashTree(top);
      const made = Object.keys(after).filter((k) => !(k in before));
      assert.deepEqual(made.filter((k) => !k.startsWith(path.relative(top, lab).split(path.sep).join('/'))), [], 'nothing was written outside the lab');
      assert.deepEqual(made, [], 'nothing was written at all: the name is checked before the lab folder is made');
    }
  });
}

test('a lab rebuilt from backups closes every folder that holds backed-up secrets to other accounts (0700)', async () => {
  const root = path.join(dir, 'protected');
  mkdirSync(root, { recursive: true });
  const backups = await backupsOf(root, 'SeparateWebServer');
  const lab = path.join(root, 'lab');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -FromBackup $V.backups -Confirm:$false -WarningAction SilentlyContinue', { lab, backups });
  for (const folder of [lab, path.join(lab, 'MFA01'), path.join(lab, 'WEB01')]) {
    assert.equal(statSync(folder).mode & 0o777, 0o700, folder);
  }
});

test('Invoke-MfaServerUpgrade refuses a lab computer name that would put the run folder outside -BackupDestination', async () => {
  const root = path.join(dir, 'runesc', 'a', 'b');
  mkdirSync(root, { recursive: true });
  const lab = path.join(root, 'lab');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  const serverFile = path.join(lab, 'server.json');
  const server = JSON.parse(readFileSync(serverFile, 'utf8')) as { computerName: string };
  server.computerName = 'x/../../../RUNESC2';
  writeFileSync(serverFile, JSON.stringify(server, null, 2));
  const top = path.join(dir, 'runesc');
  const dest = path.join(root, 'dest');
  const before = hashTree(top);
  const r = await ps.run(
    'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.dest -Confirm:$false -WarningAction SilentlyContinue',
    { lab, media: LAB_INSTALLER_PATH, dest },
  );
  const err = r.terminatingError ?? r.errors[0];
  assert.match(err?.fullyQualifiedErrorId ?? '', /^UnsafePathName,Invoke-MfaServerUpgrade$/, JSON.stringify(r.output ?? r));
  assert.match(err.message, /x\/\.\.\/\.\.\/\.\.\/RUNESC2/);
  const made = Object.keys(hashTree(top)).filter((k) => !(k in before));
  const destRel = path.relative(top, dest).split(path.sep).join('/');
  const labRel = path.relative(top, lab).split(path.sep).join('/');
  assert.deepEqual(made.filter((k) => !k.startsWith(destRel + '/') && k !== destRel && !k.startsWith(labRel + '/')), [], 'nothing outside the destination and the lab');
  assert.ok(!made.some((k) => /RUNESC2/.test(k)), 'no run folder was made anywhere');
});
