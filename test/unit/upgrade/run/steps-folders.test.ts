// Issue #14: steps that write into folders that do not exist yet must make them first, as on Windows (the strict lab
// refuses a write into a missing folder, like the Windows adapter): the theme restore with nested folders, and the
// installer copy to a separate web server whose media folder is new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { EXECUTORS } from '../../../../core/upgrade/run/steps';
import type { RunContext } from '../../../../core/upgrade/run/run-context';
import type { PlanStep } from '../../../../core/domain/plan-types';
import type { Host } from '../../../../core/host/host';
import { newLab, tempDir } from '../../host/lab/helpers';

function runOn(hosts: Host[], destination = '', backupPath = ''): RunContext {
  return {
    host: (name) => hosts.find((h) => h.computerName.toLowerCase() === name.toLowerCase())!,
    hosts,
    backupDestination: destination,
    installerPath: 'C:\\Media\\MfaServer',
    toolVersion: 'test',
    stepData: () => ({ BackupPath: backupPath }),
    log: () => undefined,
  };
}

const step = (over: Partial<PlanStep>): PlanStep => ({ Id: 's', Order: 1, Kind: 'Automatic', Parameters: {}, ...over }) as PlanStep;

test('RestoreThemes puts a theme with nested folders into a server where none of its folders exist', async () => {
  const { hosts } = await newLab('SingleServer');
  const [host] = hosts;
  const theme = 'C:\\inetpub\\wwwroot\\PhoneFactor\\App_Themes\\Contoso';
  await host.makeDirectory(`${theme}\\images\\icons`);
  await host.writeFileAtomic(`${theme}\\images\\icons\\a.ico`, Buffer.from('ico'));
  const destination = await tempDir();
  const made = await EXECUTORS.Backup(step({ Action: 'Backup', ComputerName: host.computerName }), runOn(hosts, destination));
  const backup = String(made.data?.BackupPath);
  await host.removePath(theme); // the folder is gone, nested folders and all
  const r = await EXECUTORS.RestoreThemes(
    step({ Action: 'RestoreThemes', ComputerName: host.computerName, Component: 'UserPortal', Parameters: { themeNames: 'Contoso', backupRelativePath: themesFolderIn(backup), backupStepId: 'b', virtualDirectory: 'PhoneFactor', siteName: 'Default Web Site' } }),
    runOn(hosts, destination, backup),
  );
  assert.ok(Number(r.data?.Files) >= 2);
  assert.equal((await host.readFile(`${theme}\\images\\icons\\a.ico`)).toString(), 'ico');
});

/** Where the backup keeps the portal's themes (relative, as the plan names it). */
function themesFolderIn(backup: string): string {
  const manifest = JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as { files: { relativePath: string; kind: string }[] };
  const file = manifest.files.find((f) => f.kind === 'Theme' && /a\.ico$/i.test(f.relativePath))!;
  return file.relativePath.slice(0, file.relativePath.toLowerCase().indexOf('\\app_themes\\') + '\\App_Themes'.length);
}

test('CopyInstaller refuses a source that is not a component MSI in the folder MFA Server is installed in (issue 13); the copy into a new folder is covered by the SeparateWebServer upgrade', async () => {
  const { hosts } = await newLab('SeparateWebServer');
  const [mfa, web] = hosts;
  await mfa.makeDirectory('C:\\Media');
  await mfa.writeFileAtomic('C:\\Media\\portal.msi', Buffer.from('msi bytes'));
  await assert.rejects(
    EXECUTORS.CopyInstaller(
      step({ Action: 'CopyInstaller', ComputerName: web.computerName, Parameters: { sourceComputerName: mfa.computerName, sourcePath: 'C:\\Media\\portal.msi', destinationPath: 'C:\\MfaServerUpgrade\\Media\\New\\portal.msi' } }),
      runOn(hosts),
    ),
    (e: unknown) => (e as { code?: string }).code === 'PlanInstallerRefused',
  );
  assert.equal(await web.stat('C:\\MfaServerUpgrade\\Media\\New\\portal.msi'), undefined, 'nothing was copied');
});
