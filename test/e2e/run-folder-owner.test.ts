// A run folder created in advance by another account is not adopted as it is: the run takes it (and all in it) for
// its own account before the first file, so the other account can neither read the journal, plan and report nor
// rename plan.json (once it was set to 0700 but stayed the other account's). Real pwsh, the built module, a lab; the
// other account is `nobody` (65534), whose reads are tried for real with setpriv. Needs root (the tests' account).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, makeTempRoot, runOk } from './helpers';

const NOBODY = 65534;
const isRoot = process.getuid?.() === 0;

let ps: PowerShellSession;
let dir: string;
before(async () => {
  dir = makeTempRoot('runowner');
  chmodSync(dir, 0o755); // the other account may reach the destination, as on a shared backup volume
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Every entry under `folder`, itself included. */
function entries(folder: string): string[] {
  return [folder, ...readdirSync(folder, { recursive: true }).map((e) => path.join(folder, String(e)))];
}

/** True when `nobody` can run `cmd args` with success (read a file, list a folder). */
function nobodyCan(cmd: string, ...args: string[]): boolean {
  return spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', cmd, ...args], { stdio: 'ignore' }).status === 0;
}

test('a run folder another account made beforehand ends the run this account\'s, with nothing the other account can read', { skip: !isRoot && 'needs root to act as another account' }, async () => {
  const lab = path.join(dir, 'lab');
  await runOk(ps, '$null = New-MfaLab -Path $V.lab -Confirm:$false', { lab });
  const dest = path.join(dir, 'dest');
  mkdirSync(dest, { mode: 0o755 });
  chmodSync(dest, 0o755);
  const runFolder = path.join(dest, 'MfaServerUpgrade-MFA01');
  // The other account prepares the run folder, open to all, with a file of its own in it.
  mkdirSync(runFolder);
  chmodSync(runFolder, 0o777);
  writeFileSync(path.join(runFolder, 'planted.txt'), 'mine');
  chownSync(runFolder, NOBODY, NOBODY);
  chownSync(path.join(runFolder, 'planted.txt'), NOBODY, NOBODY);
  assert.ok(nobodyCan('ls', runFolder), 'before the run the other account can list its folder');

  const r = await runOk(
    ps,
    'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.media -BackupDestination $V.dest -Confirm:$false -WarningAction SilentlyContinue | Select-Object Status, Message',
    { lab, media: LAB_INSTALLER_PATH, dest },
  );
  const result = r.output[0] as { Status: string; Message: string };
  assert.equal(result.Status, 'Completed', result.Message);

  for (const e of entries(runFolder)) assert.equal(lstatSync(e).uid, process.getuid!(), `${e} is this account's`);
  assert.equal(lstatSync(runFolder).mode & 0o777, 0o700);
  assert.ok(!nobodyCan('ls', runFolder), 'the other account cannot list the run folder');
  for (const f of ['journal.json', 'plan.json', 'report.html', 'planted.txt']) {
    assert.ok(!nobodyCan('cat', path.join(runFolder, f)), `the other account cannot read ${f}`);
  }
  assert.ok(!nobodyCan('mv', path.join(runFolder, 'plan.json'), path.join(runFolder, 'plan.old')), 'nor rename plan.json');
});
