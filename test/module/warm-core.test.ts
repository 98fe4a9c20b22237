// The warm core (ps-module/src/Invoke-MfaWarmCore.ps1, core/runtime/serve.ts) through the real transport in real pwsh:
// one core per runspace, kept between calls, and every guarantee of a per-call core kept.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modulePath, openModuleSession, pwshExecutable } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

let ps: PowerShellSession;
let dir: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const q = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Whether a process runs (and is not a zombie). */
function alive(pid: number): boolean {
  try {
    return !/^Z/.test(execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim());
  } catch {
    return false;
  }
}

async function waitGone(pid: number, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms && alive(pid); waited += 100) await sleep(100);
  return !alive(pid);
}

function webConfig(name: string, value: string): string {
  const file = path.join(dir, `${name}.config`);
  writeFileSync(file, `<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key="SITE" value="${value}" />\r\n  </appSettings>\r\n</configuration>\r\n`);
  return file;
}

/** The warm core's process id and call counter in this session's module scope (0 when there is none). */
const WARM_CORE = '& (Get-Module MfaServerUpgrade) { if ($script:MfaWarmCore) { [pscustomobject]@{ Pid = $script:MfaWarmCore.Process.Id; Calls = $script:MfaWarmCore.NextId } } else { [pscustomobject]@{ Pid = 0; Calls = 0 } } }';

async function warmCore(session = ps): Promise<{ Pid: number; Calls: number }> {
  const r = await session.run(WARM_CORE);
  assert.ok(r.ok, r.terminatingError?.message);
  return r.output[0] as { Pid: number; Calls: number };
}

async function merge(file: string, extra = ''): Promise<Awaited<ReturnType<PowerShellSession['run']>>> {
  return ps.run(`Merge-MfaWebConfig -Path $V.f -ReferencePath $V.f -Confirm:$false ${extra}`, { f: file });
}

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-warm-'));
  ps = await openModuleSession(dir);
});
after(async () => {
  await ps.close();
  rmSync(dir, { recursive: true, force: true });
});

test('calls of one session share one core: each call is one request, and the core stays between calls', async () => {
  const a = webConfig('a', 'one');
  assert.ok((await merge(a)).ok);
  const first = await warmCore();
  assert.ok(first.Pid > 0 && alive(first.Pid), 'the first call started a warm core');
  const r = await ps.run('Get-PhoneFactorComponent -LabPath $V.missing -ErrorAction SilentlyContinue; Merge-MfaWebConfig -Path $V.f -ReferencePath $V.f -Confirm:$false | Out-Null', { f: a, missing: path.join(dir, 'no-lab') });
  assert.ok(r.ok, r.terminatingError?.message);
  const second = await warmCore();
  assert.equal(second.Pid, first.Pid, 'the same core answered the later calls');
  assert.equal(second.Calls - first.Calls, 2, 'one request per cmdlet call');
  const piped = await ps.run('1..50 | ForEach-Object { [pscustomobject]@{ Path = $V.f; ReferencePath = $V.f } } | Merge-MfaWebConfig -Confirm:$false | Measure-Object | Select-Object -ExpandProperty Count', { f: a });
  assert.equal(piped.output[0], 50);
  // Merge-MfaWebConfig works per item: each piped object is its own request as it arrives (streaming), to the same core.
  const third = await warmCore();
  assert.equal(third.Pid, first.Pid, 'the same core answered the piped objects');
  assert.equal(third.Calls - second.Calls, 50, 'one request per piped object, in process');
});

test("events reach the call they belong to: one call's verbose lines are not another's", async () => {
  const one = webConfig('verbose-one', 'x');
  const two = webConfig('verbose-two', 'y');
  const r1 = await merge(one, '-Verbose');
  assert.ok(r1.verbose.some((v) => v.includes('verbose-one')), r1.verbose.join('\n'));
  assert.ok(!r1.verbose.some((v) => v.includes('verbose-two')));
  const r2 = await merge(two, '-Verbose');
  assert.ok(r2.verbose.some((v) => v.includes('verbose-two')), r2.verbose.join('\n'));
  assert.ok(!r2.verbose.some((v) => v.includes('verbose-one')), 'nothing of the earlier call arrives late in this one');
  const quiet = await merge(one);
  assert.deepEqual(quiet.verbose, [], 'a call without -Verbose shows none');
});

test('a call closes the progress bar it showed, and a call that showed none writes no progress record', async () => {
  const file = webConfig('progress', 'x');
  const commands = [`Merge-MfaWebConfig -Path ${q(file)} -ReferencePath ${q(file)} -Confirm:$false`, `Test-PhoneFactorBackup -Path ${q(dir)}`];
  // A runspace of its own, so its progress records can be read (Streams.Progress); it ends (and its core) after.
  const r = await ps.run(
    `$inner = [powershell]::Create()
     try {
       foreach ($command in @(${commands.map((c) => q(`Import-Module ${q(modulePath)}; ${c}`)).join(', ')})) {
         $inner.Commands.Clear(); $inner.Streams.Progress.Clear()
         $null = $inner.AddScript($command).Invoke()
         @(foreach ($p in $inner.Streams.Progress) { [string]$p.RecordType }) -join ','
       }
     } finally { $inner.Dispose() }`,
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, ['', 'Processing,Completed']);
});

test('a core that died is restarted on the next call, with a warning', async () => {
  const f = webConfig('died', 'z');
  assert.ok((await merge(f)).ok);
  const before = await warmCore();
  process.kill(before.Pid, 'SIGKILL');
  assert.ok(await waitGone(before.Pid));
  const r = await merge(f);
  assert.ok(r.ok, r.terminatingError?.message);
  assert.ok(r.warnings.some((w) => /core of this session had stopped \(exit code/.test(w)), r.warnings.join('\n'));
  const after = await warmCore();
  assert.ok(after.Pid > 0 && after.Pid !== before.Pid);
});

test('an idle core exits by itself after its time; the next call starts another without a warning', async () => {
  const f = webConfig('idle', 'i');
  const set = await ps.run('& (Get-Module MfaServerUpgrade) { Close-MfaWarmCore; $script:MfaCoreIdleSeconds = 1 }');
  assert.ok(set.ok, set.terminatingError?.message);
  try {
    assert.ok((await merge(f)).ok);
    const idle = await warmCore();
    assert.ok(await waitGone(idle.Pid, 15_000), 'the idle core exited');
    const r = await merge(f);
    assert.ok(r.ok, r.terminatingError?.message);
    assert.deepEqual(r.warnings, [], 'an idle exit is not a failure');
  } finally {
    await ps.run('& (Get-Module MfaServerUpgrade) { Close-MfaWarmCore; $script:MfaCoreIdleSeconds = 600 }');
  }
});

test('Remove-Module ends the core; Import-Module -Force never talks to the old one', async () => {
  const f = webConfig('remove', 'r');
  assert.ok((await merge(f)).ok);
  const old = await warmCore();
  const r = await ps.run(`Import-Module ${q(modulePath)} -Force`);
  assert.ok(r.ok, r.terminatingError?.message);
  assert.ok(await waitGone(old.Pid), 'the re-import ended the old core');
  assert.ok((await merge(f)).ok);
  const fresh = await warmCore();
  assert.ok(fresh.Pid > 0 && fresh.Pid !== old.Pid);
  const removed = await ps.run('Remove-Module MfaServerUpgrade');
  assert.ok(removed.ok, removed.terminatingError?.message);
  assert.ok(await waitGone(fresh.Pid), 'Remove-Module ended the core');
  assert.ok((await ps.run(`Import-Module ${q(modulePath)}`)).ok);
});

test('a module updated on disk is never driven by the session that loaded the old one', async () => {
  const copy = path.join(dir, 'copy', 'MfaServerUpgrade');
  mkdirSync(path.dirname(copy), { recursive: true });
  cpSync(modulePath, copy, { recursive: true });
  const f = webConfig('updated', 'u');
  const session = await openModuleSession(dir);
  try {
    assert.ok((await session.run(`Remove-Module MfaServerUpgrade; Import-Module ${q(copy)}`)).ok);
    assert.ok((await session.run('Merge-MfaWebConfig -Path $V.f -ReferencePath $V.f -Confirm:$false', { f })).ok);
    const loaded = (await session.run('& (Get-Module MfaServerUpgrade) { $script:MfaBuildId }')).output[0] as string;
    // The update: new files with another build id, while this session still has the old module loaded.
    for (const file of [path.join(copy, 'lib', 'core.cjs'), path.join(copy, 'MfaServerUpgrade.psm1')]) {
      writeFileSync(file, readFileSync(file, 'utf8').split(loaded).join('0123456789abcdef'));
    }
    const running = await warmCore(session);
    process.kill(running.Pid, 'SIGKILL');
    assert.ok(await waitGone(running.Pid));
    const stale = await session.run('Merge-MfaWebConfig -Path $V.f -ReferencePath $V.f -Confirm:$false', { f });
    assert.equal(stale.ok, false);
    assert.match(stale.terminatingError?.message ?? '', /build 0123456789abcdef\) are not the ones this session loaded \(build [0-9a-f]{16}\).*Import-Module MfaServerUpgrade -Force/);
    assert.equal((await warmCore(session)).Pid, 0, 'no core of the other build is kept');
    assert.ok((await session.run(`Import-Module ${q(copy)} -Force`)).ok);
    const updated = await session.run('Merge-MfaWebConfig -Path $V.f -ReferencePath $V.f -Confirm:$false', { f });
    assert.ok(updated.ok, updated.terminatingError?.message);
  } finally {
    await session.close();
  }
});

test('two runspaces never share a core', async () => {
  const f = webConfig('parallel', 'p');
  assert.ok((await merge(f)).ok);
  const mine = (await warmCore()).Pid;
  const r = await ps.run(
    String.raw`1..2 | ForEach-Object -ThrottleLimit 2 -Parallel {
        $given = $using:V
        Import-Module $given.module
        $null = Merge-MfaWebConfig -Path $given.f -ReferencePath $given.f -Confirm:$false
        & (Get-Module MfaServerUpgrade) { $script:MfaWarmCore.Process.Id }
        Start-Sleep -Milliseconds 500
    }`,
    { module: modulePath, f },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  const pids = r.output as number[];
  assert.equal(pids.length, 2);
  assert.notEqual(pids[0], pids[1], 'each runspace has its own core');
  assert.ok(!pids.includes(mine));
});

/** The warm cores (node … --serve) that are children of this session's pwsh. */
async function servingCores(): Promise<number[]> {
  return coresOf(Number((await ps.run('$PID')).output[0]));
}

/** The warm cores (node … --serve) that are children of process `shell`. */
function coresOf(shell: number): number[] {
  let out: string;
  try {
    out = execFileSync('ps', ['-o', 'pid=,stat=,args=', '--ppid', String(shell)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when it lists none
  }
  return out
    .split('\n')
    .filter((l) => / --serve( |$)/.test(l) && !/^\s*\d+\s+Z/.test(l))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

test('the cores of ForEach-Object -Parallel runspaces end with their runspaces, not 10 minutes later', async () => {
  const lab = path.join(dir, 'parallel-lab');
  assert.ok((await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer -Confirm:$false | Out-Null', { lab })).ok);
  const before = await servingCores();
  const r = await ps.run(
    String.raw`1..4 | ForEach-Object -ThrottleLimit 2 -Parallel {
        $given = $using:V
        Import-Module $given.module
        @(Get-PhoneFactorComponent -LabPath $given.lab).Count
        & (Get-Module MfaServerUpgrade) { $script:MfaWarmCore.Process.Id }
    }`,
    { module: modulePath, lab },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const started = (r.output as number[]).filter((_, i) => i % 2 === 1);
  assert.equal(started.length, 4);
  assert.ok(started.every((p) => !before.includes(p)), 'the loop started cores of its own');
  // Bounded wait: the runspaces are closed as the loop returns; their cores go then, not when idle (10 minutes). The
  // session is left alone meanwhile (its children are listed from here): work in it could make .NET collect the
  // loop's Process objects, whose finalizers close the cores' input too, which would hide a missing end by luck.
  const shell = Number((await ps.run('$PID')).output[0]);
  let left = coresOf(shell).filter((p) => !before.includes(p));
  for (let i = 0; i < 100 && left.length > 0; i++) {
    await sleep(100);
    left = coresOf(shell).filter((p) => !before.includes(p));
  }
  assert.deepEqual(left, [], 'no core of the loop is left');
  assert.deepEqual(await servingCores(), before, "this runspace's own core is untouched");
});

/** A backup whose one file is a FIFO: verifying it blocks in the read, like a file on a stalled share. */
async function hangingBackup(name: string): Promise<string> {
  const lab = path.join(dir, name, 'lab');
  const backups = path.join(dir, name, 'backups');
  const made = await ps.run(
    "New-MfaLab -Path $V.lab -Scenario SingleServer -Confirm:$false | Out-Null; (Get-PhoneFactorComponent -LabPath $V.lab | Backup-PhoneFactor -Destination $V.backups -Confirm:$false).BackupPath",
    { lab, backups },
  );
  assert.ok(made.ok, made.terminatingError?.message);
  const backup = made.output[0] as string;
  const manifest = JSON.parse(readFileSync(path.join(backup, 'manifest.json'), 'utf8')) as { files: { relativePath: string }[] };
  const victim = path.join(backup, ...manifest.files[0].relativePath.split('\\'));
  rmSync(victim);
  execFileSync('mkfifo', [victim]);
  return backup;
}

/**
 * Test-PhoneFactorBackup of a hanging backup in a second runspace of the session ($global:<name>, with its own module
 * state and so its own warm core); resolves with that core's pid once the call is blocked in its read of the FIFO.
 */
async function verifyInOtherRunspace(name: string, backup: string): Promise<number> {
  const earlier = await servingCores();
  const started = await ps.run(
    String.raw`Set-Variable -Scope Global -Name $V.name -Value ([powershell]::Create())
    $shell = Get-Variable -Scope Global -Name $V.name -ValueOnly
    [void]$shell.AddScript({ param($m, $p) Import-Module $m; Test-PhoneFactorBackup -Path $p }).AddArgument($V.module).AddArgument($V.backup)
    Set-Variable -Scope Global -Name ($V.name + 'Run') -Value $shell.BeginInvoke()`,
    { name, backup, module: modulePath },
  );
  assert.ok(started.ok, started.terminatingError?.message);
  let busy = 0;
  for (let i = 0; i < 600 && !busy; i++) {
    await sleep(100);
    busy = (await servingCores()).filter((p) => !earlier.includes(p))[0] ?? 0;
  }
  assert.ok(busy > 0, 'the other runspace started a core of its own');
  // The call reached the core when its read blocks in the FIFO (a thread waits for a writer).
  const blocked = () => {
    try {
      return readdirSync(`/proc/${busy}/task`).some((t) => readFileSync(`/proc/${busy}/task/${t}/wchan`, 'utf8').includes('wait_for_partner'));
    } catch {
      return false;
    }
  };
  for (let i = 0; i < 600 && !blocked(); i++) await sleep(100);
  assert.ok(blocked(), 'the call is blocked in its read');
  return busy;
}

test("Ctrl+C stops a warm call at once: its core ends, another runspace's core is untouched", async () => {
  const backup = await hangingBackup('stopped');
  assert.ok((await merge(webConfig('before-stop', 'b'))).ok);
  const mine = (await warmCore()).Pid;
  // Stop() on the other runspace is what Ctrl+C does.
  const busy = await verifyInOtherRunspace('Verify', backup);
  assert.equal((await ps.run('[string]$global:Verify.InvocationStateInfo.State')).output[0], 'Running', 'the verification hangs in the FIFO');
  const stopped = await ps.run('$global:Verify.Stop(); [string]$global:Verify.InvocationStateInfo.State; $global:Verify.Dispose()');
  assert.ok(stopped.ok, stopped.terminatingError?.message);
  assert.equal(stopped.output[0], 'Stopped');
  assert.ok(await waitGone(busy), 'the core that was working on the stopped call is gone');
  assert.equal((await warmCore()).Pid, mine, "this runspace's core was not touched");
  const next = await merge(webConfig('after-stop', 'a'));
  assert.ok(next.ok, next.terminatingError?.message);
  assert.deepEqual(next.warnings, [], 'a core stopped on purpose is not reported as died');
});

test('a time-out stops the warm call, names the operation, and the next call works', async () => {
  const backup = await hangingBackup('timed-out');
  assert.ok((await merge(webConfig('before-timeout', 'b'))).ok);
  const stuck = (await warmCore()).Pid;
  const r = await ps.run(
    String.raw`& (Get-Module MfaServerUpgrade) {
        [CmdletBinding()] param($Item)
        Invoke-MfaCore -Operation 'test-backup' -Items @($Item) -Caller $PSCmdlet -OutputTypeName 'MfaServerUpgrade.BackupVerification' -TimeoutSeconds 3
    } -Item @{ Path = $V.backup }`,
    { backup },
  );
  assert.equal(r.ok, false);
  assert.equal(r.terminatingError?.exceptionType, 'System.TimeoutException');
  assert.match(r.terminatingError?.message ?? '', /core \(test-backup\) did not finish within 3 seconds and was stopped/);
  assert.equal((await warmCore()).Pid, 0, 'the stopped core is forgotten');
  assert.ok(await waitGone(stuck), 'and ended (killed: its read of the FIFO keeps node from exiting)');
  assert.ok((await merge(webConfig('after-timeout', 't'))).ok);
});

test('a killed PowerShell ends its warm core (its input closes)', async () => {
  const f = webConfig('killed', 'k');
  const pidFile = path.join(dir, 'killed-core.pid');
  const shell = spawn(
    pwshExecutable(),
    ['-NoProfile', '-NonInteractive', '-Command', `Import-Module ${q(modulePath)}; $null = Merge-MfaWebConfig -Path ${q(f)} -ReferencePath ${q(f)} -Confirm:$false; & (Get-Module MfaServerUpgrade) { $script:MfaWarmCore.Process.Id } | Set-Content -LiteralPath ${q(pidFile)}; Start-Sleep -Seconds 120`],
    { stdio: 'ignore' },
  );
  let corePid = 0;
  for (let i = 0; i < 1200 && !corePid; i++) {
    await sleep(100);
    try {
      corePid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch {
      // not written yet
    }
  }
  assert.ok(corePid > 0 && alive(corePid), 'the shell started a warm core');
  shell.kill('SIGKILL');
  assert.ok(await waitGone(corePid), 'the core ended with the PowerShell that held it');
});

test('a warm core killed during a call: the command ends with CoreKilled, like a per-call core', async () => {
  const backup = await hangingBackup('killed-mid-call');
  const busy = await verifyInOtherRunspace('Killed', backup);
  process.kill(busy, 'SIGKILL');
  const ended = await ps.run(
    String.raw`try { $null = $global:Killed.EndInvoke($global:KilledRun) } catch { $_.Exception.InnerException.ErrorRecord.FullyQualifiedErrorId; $_.Exception.InnerException.Message }
    foreach ($e in $global:Killed.Streams.Error) { $e.FullyQualifiedErrorId; $e.Exception.Message }
    $global:Killed.Dispose()`,
  );
  assert.ok(ended.ok, ended.terminatingError?.message);
  const said = ended.output.map(String).join('\n');
  assert.match(said, /^CoreKilled\b/m, said);
  assert.match(said, /core stopped during test-backup .*without a result: it was killed/, said);
});
