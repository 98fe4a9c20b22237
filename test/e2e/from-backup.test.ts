// New-MfaLab -FromBackup: a backup of each lab scenario rebuilt as a lab upgrades to the same end state as the
// original lab; an older backup (without the IIS sections and products list) says what is missing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { openLab } from '../../core/host/lab/open-lab';
import type { LabHost } from '../../core/host/lab/lab-host';
import { inventoryServer } from '../../core/survey/inventory';
import { listWebApplications } from '../../core/host/iis';
import { PRODUCT_KEY } from '../../core/domain/catalog';
import { folderSize } from '../../core/upgrade/readiness/folder-size';
import { makeTempRoot, runOk } from './helpers';

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = makeTempRoot('frombackup');
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every file under a folder of a lab server, relative path -> bytes (base64). */
async function filesUnder(host: LabHost, folder: string, out: Record<string, string>): Promise<void> {
  const s = await host.stat(folder);
  if (!s) return;
  if (!s.isDirectory) {
    out[folder.toLowerCase()] = (await host.readFile(folder)).toString('base64');
    return;
  }
  for (const e of await host.listDirectory(folder)) await filesUnder(host, `${folder}\\${e.name}`, out);
}

/**
 * What the upgrade produced on a server: the inventory (components, versions, vdirs, paths, SDK URLs), our IIS
 * applications, the product key, and the bytes of every web folder, theme and data file the upgrade touched.
 * Program files and installer logs are left out: a backup does not hold the old program files (the lab says so).
 */
async function endState(host: LabHost): Promise<unknown> {
  const inv = await inventoryServer(host);
  const components = inv.Components.map(({ LabPath: _l, ...c }) => c);
  const apps = (await listWebApplications(host)).filter((a) => a.applicationPath !== '/').map((a) => ({ site: a.siteName, path: a.applicationPath, physical: a.physicalPath, bindings: a.bindings }));
  const key = (await host.getRegistryKey(PRODUCT_KEY, '32'))?.values;
  const files: Record<string, string> = {};
  for (const c of inv.Components) {
    if (c.DataPath) await filesUnder(host, c.DataPath, files);
    if (c.WebConfigPath) await filesUnder(host, c.WebConfigPath, files);
    if (c.PhysicalPath) await filesUnder(host, `${c.PhysicalPath}\\App_Themes`, files);
  }
  const dataBytes = inv.Components[0]?.DataPath ? await folderSize(host, inv.Components[0].DataPath) : 0;
  return { computer: inv.ComputerName, is64: inv.Is64Bit, components, apps, key, files, dataBytes };
}

async function upgrade(lab: string, backups: string): Promise<void> {
  const r = await runOk(ps, 'Get-PhoneFactorComponent -LabPath $V.lab | Select-Object ComputerName, LabPath -Unique | Invoke-MfaServerUpgrade -InstallerPath C:\\Media\\MfaServer -BackupDestination $V.backups -Confirm:$false | Select-Object Status, ExitCode, Message', { lab, backups });
  const result = r.output[0] as { Status: string; ExitCode: number; Message: string };
  assert.equal(result.Status, 'Completed', `${lab}: ${result.Message}`);
}

for (const scenario of ['SingleServer', 'SeparateWebServer', 'AgentOnly', 'CustomNames']) {
  test(`${scenario}: the lab rebuilt from its backup upgrades to the same end state as the original`, async () => {
    const original = path.join(dir, `${scenario}-orig`);
    const rebuilt = path.join(dir, `${scenario}-copy`);
    await runOk(ps, '$null = New-MfaLab -Path $V.lab -Scenario $V.scenario -Confirm:$false', { lab: original, scenario });
    const backups = await runOk(ps, 'Get-PhoneFactorComponent -LabPath $V.lab | Select-Object ComputerName, LabPath -Unique | Backup-PhoneFactor -Destination $V.dest | Select-Object -ExpandProperty BackupPath', { lab: original, dest: path.join(dir, `${scenario}-bk`) });
    const made = await runOk(ps, 'New-MfaLab -Path $V.lab -FromBackup $V.backups -Confirm:$false -WarningAction SilentlyContinue', { lab: rebuilt, backups: backups.output });
    const servers = made.output as { ComputerName: string; Scenario: string; Notes: string[] }[];
    assert.equal(servers.length, backups.output.length);
    assert.ok(servers.every((s) => s.Scenario === 'FromBackup' && s.Notes.some((n) => /TLS certificates/.test(n))));
    assert.match(readFileSync(path.join(rebuilt, 'README.txt'), 'utf8'), /What the backup did not hold/);

    // Before the upgrade the rebuilt servers already look like the originals to the inventory.
    const before = async (lab: string) => Promise.all((await openLab(lab)).map(endState));
    assert.deepEqual(await before(rebuilt), await before(original));

    await upgrade(original, path.join(dir, `${scenario}-up1`));
    await upgrade(rebuilt, path.join(dir, `${scenario}-up2`));
    assert.deepEqual(await before(rebuilt), await before(original));
  });
}

test('an older backup (no IIS sections, no products list) still builds a lab and says what is missing', async () => {
  const original = path.join(dir, 'old-orig');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Scenario CustomNames -Confirm:$false', { lab: original });
  const b = await runOk(ps, '(Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest).BackupPath', { lab: original, dest: path.join(dir, 'old-bk') });
  const backup = b.output[0] as string;
  // Make it look like a backup from before these files existed: drop them and their manifest entries.
  const manifestFile = path.join(backup, 'manifest.json');
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: { relativePath: string }[] };
  manifest.files = manifest.files.filter((f) => !/^(IIS\\applications\.json|products\.json)$/i.test(f.relativePath));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + '\n');
  unlinkSync(path.join(backup, 'IIS', 'applications.json'));
  unlinkSync(path.join(backup, 'products.json'));
  const made = await runOk(ps, 'New-MfaLab -Path $V.lab -FromBackup $V.backup -Confirm:$false 3>&1', { lab: path.join(dir, 'old-copy'), backup });
  const text = JSON.stringify(made.output);
  assert.match(text, /has no IIS\\\\applications\.json \(made before backups kept IIS sections\)/);
  assert.match(text, /has no products\.json/);
  const [host] = await openLab(path.join(dir, 'old-copy'));
  const restored = (await inventoryServer(host)).Components.map((c) => [c.Component, c.VirtualDirectory]);
  const originals = (await inventoryServer((await openLab(original))[0])).Components.map((c) => [c.Component, c.VirtualDirectory]);
  assert.deepEqual(restored, originals);
});

test('a backup that does not verify builds no lab', async () => {
  const original = path.join(dir, 'bad-orig');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab: original });
  const b = await runOk(ps, '(Backup-PhoneFactor -LabPath $V.lab -Destination $V.dest).BackupPath', { lab: original, dest: path.join(dir, 'bad-bk') });
  const webConfig = path.join(b.output[0] as string, 'UserPortal', 'web.config');
  const { appendFileSync, existsSync } = await import('node:fs');
  appendFileSync(webConfig, '<!-- changed -->');
  const r = await ps.run('New-MfaLab -Path $V.lab -FromBackup $V.backup -Confirm:$false', { lab: path.join(dir, 'bad-copy'), backup: b.output[0] });
  assert.match(JSON.stringify(r.errors.length ? r.errors : r.terminatingError), /BackupVerificationFailed/);
  assert.ok(!existsSync(path.join(dir, 'bad-copy', 'server.json')));
});
