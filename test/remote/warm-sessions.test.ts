// Issue 29 item 2: warm remote sessions. Within one PowerShell session, the session and the far core a command opened
// stay for the next command to the same server with the same settings (ps-module/src/Get-MfaParking.ps1, the remoting
// scripts OPEN_SESSION and CLOSE_SESSION); they close when idle too long, on Remove-Module and with the PowerShell; a
// kept session that died is replaced once, with a warning; the far core forgets each command's secrets.
// Through the real interfaces: the module in real pwsh, a private loopback sshd (test/helpers/sshd.ts), a far lab.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { modulePath, pwshExecutable } from '../helpers/pwsh';
import { LoopbackSshd, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite } from '../helpers/remote-suite';
import { FORGET_LINE } from '../../core/host/remote/host-rpc';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { until } from '../helpers/until';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;
let farLab: string;
let secondPort: number;
let farStdin: string;

before(async () => {
  if (skip) return;
  // Node on the far side, with every line its core reads on stdin kept (MFA_REMOTE_NODE: the far side's node hint).
  const farNode = (folder: string) => path.join(folder, 'far-node');
  ({ sshd, ps, root } = await startRemoteSuite('mfa-warm-remote-', {
    prepare: async (server, folder) => {
      secondPort = await server.listenAlsoOnPort();
      writeFarNode(folder, farNode(folder));
    },
    env: (_server, folder) => ({ MFA_REMOTE_NODE: farNode(folder) }),
  }));
  farLab = path.join(root, 'far-lab');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab: farLab });
  assert.ok(made.ok, made.terminatingError?.message);
});

/** A far "node" that runs the real one through a tee keeping every line the far core reads (into farStdin). */
function writeFarNode(folder: string, farNode: string): void {
  farStdin = path.join(folder, 'far-core-stdin.log');
  const tee = path.join(folder, 'tee-far-core.cjs');
  writeFileSync(tee, `
const { spawn } = require('node:child_process');
const { appendFileSync } = require('node:fs');
const core = spawn(process.execPath, process.argv.slice(2), { stdio: ['pipe', 'inherit', 'inherit'] });
process.stdin.on('data', (d) => { appendFileSync(${JSON.stringify(farStdin)}, d); core.stdin.write(d); });
process.stdin.on('end', () => core.stdin.end());
core.stdin.on('error', () => {});
core.on('exit', (code) => process.exit(code ?? 1));
`);
  writeFileSync(farNode, `#!/bin/sh\nexec '${process.execPath}' '${tee}' "$@"\n`);
  chmodSync(farNode, 0o755);
}

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root });
});

/** The sessions the module keeps in this PowerShell: their ids and states. */
const PARKED = `& (Get-Module MfaServerUpgrade) { if ($script:MfaParking) { @($script:MfaParking.Entries | ForEach-Object { [pscustomobject]@{ Id = [string]$_.Session.InstanceId; State = [string]$_.Session.State } }) } }`;

async function parked(session = ps): Promise<{ Id: string; State: string }[]> {
  const r = await session.run(PARKED);
  assert.ok(r.ok, r.terminatingError?.message);
  return r.output as { Id: string; State: string }[];
}

async function inventory(extra = ''): Promise<Awaited<ReturnType<PowerShellSession['run']>>> {
  const r = await ps.run(`Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab ${extra} | Select-Object Component`, { lab: farLab });
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.ok(r.output.length >= 3, 'the far lab was inventoried');
  return r;
}

/** The processes of the far side whose command line holds `mark` (the far PowerShell: -sshs; the far core: --serve-host). */
function far(mark: string): number[] {
  return sshd.sessionProcesses().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(mark) && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tee-far-core');
    } catch {
      return false;
    }
  });
}


test('two commands in one PowerShell share the session and the far core; the far core is told to forget between them', { skip }, async () => {
  await inventory();
  const first = await parked();
  assert.equal(first.length, 1, 'the session is kept after the command');
  assert.equal(first[0].State, 'Opened');
  const [core] = far('--serve-host');
  assert.ok(core, 'the far core runs on between commands');
  const lines = readFileSync(farStdin, 'utf8').trim().split('\n');
  assert.equal(lines.at(-1), FORGET_LINE, "the far core's last input is the forget line: this command's secrets are forgotten");

  await inventory();
  assert.deepEqual(await parked(), first, 'the same session again');
  assert.deepEqual(far('--serve-host'), [core], 'the same far core');
  assert.equal(far('-sshs').length, 1, 'the server saw one connection');
});

test('a following inventory asks the far core two things: who the server is and its whole inventory, then to forget (issue 29)', { skip }, async () => {
  await inventory();
  const before = readFileSync(farStdin, 'utf8').trim().split('\n').length;
  const r = await ps.run(
    `Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | ` +
      `ForEach-Object Message`,
    { lab: farLab },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  // What the far core received: one line per round trip that reached it.
  const lines = readFileSync(farStdin, 'utf8').trim().split('\n').slice(before);
  const asked = lines.map((l) => (l === FORGET_LINE ? 'forget' : (JSON.parse(l) as { method: string; args: unknown[] }[]).map((c) => c.method === 'runProcedure' ? c.args[0] : c.method).join('+')));
  assert.deepEqual(asked, ['describe', 'inventoryServer', 'forget']);
  // Every remoting script of the command: take the kept session (local), the module check, the two batches, closing.
  assert.ok(r.output.includes('127.0.0.1: 2 batch(es) of host calls (2 call(s)), 5 remoting script(s) in all, closing included.'), r.output.join('\n'));
});

test('another port is another way to reach the server: its own session, never the kept one', { skip }, async () => {
  await inventory();
  const [kept] = await parked();
  await inventory(`-RemotePort ${secondPort}`);
  const now = await parked();
  assert.equal(now.length, 2, JSON.stringify(now));
  assert.ok(now.some((s) => s.Id === kept.Id), 'the first session is still kept');
  assert.equal(far('-sshs').length, 2, 'two connections: one per port');
  await inventory();
  assert.equal((await parked()).length, 2, 'the first port found its own session again');
});

test('Remove-Module closes the kept sessions, and nothing of them is left on the server', { skip }, async () => {
  await inventory();
  assert.ok(far('--serve-host').length > 0);
  const removed = await ps.run('Remove-Module MfaServerUpgrade');
  assert.ok(removed.ok, removed.terminatingError?.message);
  await until('every session process on the server to end', () => sshd.sessionProcesses().length === 0, 30_000);
  const imported = await ps.run(`Import-Module '${modulePath}'`);
  assert.ok(imported.ok, imported.terminatingError?.message);
});

test('Remove-Module closes everything even when closing a session fails (Remove-PSSession ending in an error)', { skip }, async () => {
  // Remove-PSSession can end with a terminating error that -ErrorAction does not govern (SSH's "Broken pipe"); a
  // function of that name stands in for it, in the module's sight. Closing one session must neither fail Remove-Module
  // nor leave the rest open: the pool that holds the sessions still closes, and with it every session.
  await inventory();
  await inventory(`-RemotePort ${secondPort}`);
  assert.equal((await parked()).length, 2);
  const broken = await ps.run(`function global:Remove-PSSession { throw 'Broken pipe (test stand-in)' }`);
  assert.ok(broken.ok, broken.terminatingError?.message);
  try {
    // OnRemove runs in the module's scope, which sees the global preference, not -Verbose of Remove-Module.
    const removed = await ps.run(
      "$global:VerbosePreference = 'Continue'; try { Remove-Module MfaServerUpgrade 4>&1 | ForEach-Object { [string]$_ } } finally { $global:VerbosePreference = 'SilentlyContinue' }",
    );
    assert.ok(removed.ok, removed.terminatingError?.message);
    assert.deepEqual(removed.errors.map((e) => e.message), []);
    assert.equal(removed.output.filter((l) => /could not be closed cleanly: Broken pipe \(test stand-in\)/.test(String(l))).length, 2, removed.output.join('\n'));
    await until('every session process on the server to end', () => sshd.sessionProcesses().length === 0, 30_000);
  } finally {
    await ps.run('Remove-Item Function:\\Remove-PSSession -ErrorAction Ignore');
    const imported = await ps.run(`Import-Module '${modulePath}'`);
    assert.ok(imported.ok, imported.terminatingError?.message);
  }
});

test('a kept session closes by itself after the idle time the module is set to', { skip }, async () => {
  const set = await ps.run('& (Get-Module MfaServerUpgrade) { $script:MfaRemoteIdleSeconds = 2 }');
  assert.ok(set.ok, set.terminatingError?.message);
  try {
    await inventory();
    await until('the idle session to be closed', async () => (await parked()).length === 0, 30_000);
    await until('its processes on the server to end', () => sshd.sessionProcesses().length === 0, 30_000);
  } finally {
    await ps.run('& (Get-Module MfaServerUpgrade) { $script:MfaRemoteIdleSeconds = 300 }');
  }
});

test('a kept session that died on the server is replaced once, with one warning, and the command works', { skip }, async () => {
  await inventory();
  assert.equal((await parked()).length, 1);
  const before = far('--serve-host');
  // The server's side of the session ends (sshd's session process and all it runs); sshd itself stays.
  for (const pid of sshd.sessionProcesses()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await until('the session to end on the server', () => sshd.sessionProcesses().length === 0, 30_000);
  const r = await inventory();
  assert.equal(r.warnings.length, 1, r.warnings.join('\n'));
  assert.match(r.warnings[0], /^\[127\.0\.0\.1\] The remoting session kept open since an earlier command had ended \(.+\); a new one was opened\.$/);
  const after = far('--serve-host');
  assert.equal(after.length, 1);
  assert.notDeepEqual(after, before, 'a new far core');
  const again = await inventory();
  assert.deepEqual(again.warnings, [], 'the new session is kept without a word');
});

test('a killed PowerShell ends its kept sessions and their far cores', { skip }, async () => {
  const done = path.join(root, 'first-command-done');
  const script = path.join(root, 'kept-then-killed.ps1');
  writeFileSync(
    script,
    `Import-Module '${modulePath}'\n$null = Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath '${farLab}'\nSet-Content -LiteralPath '${done}' -Value done\nStart-Sleep -Seconds 600\n`,
  );
  const before = new Set(sshd.sessionProcesses());
  const shell = spawn(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], { env: { ...process.env, ...sshd.clientEnv }, stdio: 'ignore' });
  try {
    await until('the first command to finish', () => existsSync(done), 180_000);
    const its = sshd.sessionProcesses().filter((pid) => !before.has(pid));
    assert.ok(its.length > 0, 'its session is kept on the server');
    shell.kill('SIGKILL');
    await until('its processes on the server to end', () => its.every((pid) => !sshd.sessionProcesses().includes(pid)), 60_000);
  } finally {
    shell.kill('SIGKILL');
  }
});
