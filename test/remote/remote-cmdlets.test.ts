// Issue #7: -ComputerName through a real PowerShell remoting session (SSH transport to 127.0.0.1, a private sshd
// whose powershell subsystem runs the pinned pwsh). The far "server" is a lab folder on the far side; the module is
// copied there over the session by the first command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { modulePath, pwshExecutable } from '../helpers/pwsh';
import { LoopbackSshd, descendants, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite } from '../helpers/remote-suite';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { until } from '../helpers/until';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;
let farLab: string;

before(async () => {
  if (skip) return;
  ({ sshd, ps, root } = await startRemoteSuite('mfa-remote-'));
  farLab = path.join(root, 'far-lab');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab: farLab });
  assert.ok(made.ok, made.terminatingError?.message);
});

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root });
});

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

test('Get-PhoneFactorComponent -ComputerName reads the far lab through the session and copies the module there first', { skip }, async () => {
  const local = await ps.run('Get-PhoneFactorComponent -LabPath $V.lab | Select-Object Component, Version, InstallPath, VirtualDirectory, WebConfigPath, ComputerName', { lab: farLab });
  const remote = await ps.run('Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab | Select-Object Component, Version, InstallPath, VirtualDirectory, WebConfigPath, ComputerName', { lab: farLab });
  assert.ok(remote.ok, remote.terminatingError?.message);
  assert.deepEqual(remote.errors, []);
  assert.ok(local.output.length >= 3, 'the SingleServer lab has several components');
  const withoutIdentity = (rows: unknown[]) => rows.map((c) => ({ ...(c as object), ComputerName: undefined }));
  assert.deepEqual(withoutIdentity(remote.output), withoutIdentity(local.output), 'the remote inventory equals the inventory read directly');
  // Remote objects name the server as it was reached, so they pipe back to it (ComputerName + LabPath there).
  assert.ok(local.output.every((c) => (c as { ComputerName: string }).ComputerName === 'MFA01'));
  assert.ok(remote.output.every((c) => (c as { ComputerName: string }).ComputerName === '127.0.0.1'), 'ComputerName is the name that reached the server');
  // The module was copied to the far side (its own folder, fingerprinted), and the far core is the same build.
  const versions = readdirSync(sshd.farModuleFolder).filter((n) => !n.startsWith('.'));
  assert.equal(versions.length, 1);
  const farRoot = path.join(sshd.farModuleFolder, versions[0]);
  assert.ok(existsSync(path.join(farRoot, '.mfa-fingerprint')));
  assert.equal(sha(path.join(farRoot, 'lib', 'mfa-core.cjs')), sha(path.join(__dirname, '..', '..', 'ps-module', 'MfaServerUpgrade', 'lib', 'mfa-core.cjs')));
});

test('Backup-PhoneFactor of the far lab into a local folder verifies, byte for byte', { skip }, async () => {
  const destination = path.join(root, 'local-backups');
  const r = await ps.run('Backup-PhoneFactor -ComputerName 127.0.0.1 -LabPath $V.lab -Destination $V.dest -Confirm:$false | Test-PhoneFactorBackup', { lab: farLab, dest: destination });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const check = r.output[0] as { IsValid?: boolean; IsVerified?: boolean };
  assert.ok(check.IsValid ?? check.IsVerified, `the backup verifies: ${JSON.stringify(check)}`);
  const [folder] = readdirSync(destination).filter((n) => n.startsWith('PhoneFactorBackup-MFA01-'));
  assert.ok(folder, 'a backup folder named after the far lab server');
  // The data file in the backup is the far lab's own bytes.
  const findFile = (dir: string, name: RegExp): string | undefined => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const f = findFile(p, name);
        if (f) return f;
      } else if (name.test(e.name)) return p;
    }
    return undefined;
  };
  const backedUp = findFile(path.join(destination, folder), /\.pfdata$/i);
  const original = findFile(path.join(farLab, 'C'), /\.pfdata$/i);
  assert.ok(backedUp && original, 'the data file is in the backup and in the lab');
  assert.equal(sha(backedUp), sha(original));
});

test('an error raised on the far side arrives as an ErrorRecord naming the server, with its code', { skip }, async () => {
  // Without -LabPath the target is the far machine itself, which is Linux here: the far core refuses (NotWindows).
  const r = await ps.run('Get-PhoneFactorComponent -ComputerName 127.0.0.1 -ErrorAction Continue');
  assert.ok(r.ok);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^NotWindows,Get-PhoneFactorComponent$/);
  assert.match(r.errors[0].message, /^\[127\.0\.0\.1\] This machine runs linux/);
  const missing = await ps.run('Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -ErrorAction Stop', { lab: path.join(root, 'no-lab-here') });
  assert.equal(missing.ok, false);
  assert.match(missing.terminatingError!.fullyQualifiedErrorId, /^LabNotFound,/);
  assert.match(missing.terminatingError!.message, /^\[127\.0\.0\.1\] There is no lab at /);
});

test('an unreachable server fails its own object with RemoteUnreachable; the other objects of the call still succeed', { skip }, async () => {
  const r = await ps.run(
    `@([pscustomobject]@{ ComputerName = 'unreachable.invalid'; LabPath = $V.lab }, [pscustomobject]@{ ComputerName = '127.0.0.1'; LabPath = $V.lab }) | Get-PhoneFactorComponent -ErrorAction Continue`,
    { lab: farLab },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^RemoteUnreachable,/);
  assert.match(r.errors[0].message, /^\[unreachable\.invalid\] Cannot open a PowerShell remoting session to unreachable\.invalid/);
  assert.ok(r.output.length >= 3 && r.output.every((c) => (c as { ComputerName: string }).ComputerName === '127.0.0.1'), 'the reachable server was inventoried');

  // A closed port: the message names the server and the port, and says why once (the probe before ssh is the diagnosis).
  const closed = await ps.run(
    `$env:MFA_REMOTE_SSH_PORT = '1'; try { Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -ErrorAction Continue } finally { $env:MFA_REMOTE_SSH_PORT = $V.port }`,
    { lab: farLab, port: String(sshd.port) },
  );
  assert.equal(closed.errors.length, 1);
  assert.match(closed.errors[0].fullyQualifiedErrorId, /^RemoteUnreachable,/);
  assert.match(closed.errors[0].message, /^\[127\.0\.0\.1\] Cannot open a PowerShell remoting session to .*: nothing accepts connections on port 1, so ssh was not started\. \(127/);
});

test('-ComputerName opens its sessions in the caller\'s PowerShell: the core starts no PowerShell of its own', { skip }, async () => {
  // MFA_PWSH names what the core would start to hold the sessions: here a script that leaves a mark, then runs pwsh.
  const mark = path.join(root, 'own-pwsh-started');
  const wrapper = path.join(root, 'pwsh-that-marks.sh');
  writeFileSync(wrapper, `#!/bin/sh\necho started >> '${mark}'\nexec '${pwshExecutable()}' "$@"\n`);
  chmodSync(wrapper, 0o755);
  const r = await ps.run(
    `$env:MFA_PWSH = $V.wrapper; try { Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab } finally { Remove-Item Env:\\MFA_PWSH }`,
    { lab: farLab, wrapper },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors, []);
  assert.ok(r.output.length >= 3, 'the far lab was inventoried');
  assert.equal(existsSync(mark), false, 'no PowerShell was started for the sessions');
});

test('a killed PowerShell ends everything its -ComputerName command started, here and on the server', { skip }, async () => {
  // A file big enough that the backup is still copying when the PowerShell is killed (the far core runs until the end).
  const filler = path.join(farLab, 'C', 'Program Files', 'PhoneFactor', 'Data', 'filler.bin');
  writeFileSync(filler, randomBytes(96 * 1024 * 1024));
  const script = path.join(root, 'killed-during-backup.ps1');
  writeFileSync(
    script,
    `Import-Module '${modulePath}'\nBackup-PhoneFactor -ComputerName 127.0.0.1 -LabPath '${farLab}' -Destination '${path.join(root, 'killed-backups')}' -Confirm:$false\n`,
  );
  // The sessions this file's PowerShell keeps between its commands (and their far cores) are not the killed one's.
  const kept = new Set(sshd.sessionProcesses());
  const shell = spawn(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], { env: { ...process.env, ...sshd.clientEnv }, stdio: 'ignore' });
  const its = () => sshd.sessionProcesses().filter((pid) => !kept.has(pid));
  try {
    // The command is under way on both ends: a core here, a core on the server.
    await until('the far core to start', () => farCores().some((pid) => !kept.has(pid)), 180_000);
    const here = descendants(shell.pid!);
    const there = its();
    assert.ok(here.length > 0 && there.length > 0, 'processes run on both ends');
    shell.kill('SIGKILL'); // as Task Manager or a deployment's time limit ends it: nothing in it runs after
    await until('every process of the command to end', () => [...here, ...there].every((pid) => !running(pid)), 60_000);
    assert.deepEqual(its(), [], 'no session of the command is left on the server');
  } finally {
    shell.kill('SIGKILL');
    rmSync(filler, { force: true });
  }
});

/** The far cores of this sshd's sessions (found by their command line). */
function farCores(): number[] {
  return sshd.sessionProcesses().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--serve-host');
    } catch {
      return false;
    }
  });
}

/** Whether a process runs (a zombie awaiting its parent has ended). */
function running(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

