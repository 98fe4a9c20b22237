// Issue 13 (Deliver 6): every end of an upgrade run has a cause on record. For each way a run can stop before it
// finishes (Ctrl+C, a time-out, the PowerShell killed, the core killed, the core crashed, its output pipe closed, and an
// end nobody could record), the journal's Stops and the CMTrace log say what happened, when and in which step; the
// command ends with an ErrorRecord naming it where PowerShell still lives; the ConfigMgr / Intune script returns
// non-zero; and -Resume completes. Runs the test build of the module (its core honours MFA_TEST_* fault points).
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession, faultModulePath as modulePath, pwshExecutable, repoRoot } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { LAB_INSTALLER_PATH, makeTempRoot, runOk, type UpgradeResult } from './helpers';
import { until } from '../helpers/until';

const root = makeTempRoot('stops');
after(() => rmSync(root, { recursive: true, force: true }));

const STEP = 'MFA01:uninstall:UserPortal';
const CORE = path.join(modulePath, 'lib', 'mfa-core.cjs');

interface Stop {
  At: string;
  Cause: string;
  Detail: string;
  Step: string | null;
  RecordedBy: string;
  ProcessId: number | null;
}
interface JournalFile {
  Status: string;
  Steps: { Id: string; Status: string }[];
  Stops: Stop[];
}

interface Case {
  lab: string;
  backups: string;
  journal: string;
  log: string;
}

async function newCase(ps: PowerShellSession, name: string): Promise<Case> {
  const lab = path.join(root, name, 'lab');
  const backups = path.join(root, name, 'backups');
  await runOk(ps, 'New-MfaLab -Path $V.lab -Scenario SingleServer -Force | Out-Null', { lab });
  return {
    lab,
    backups,
    journal: path.join(backups, 'MfaServerUpgrade-MFA01', 'journal.json'),
    log: path.join(lab, 'C', 'Windows', 'Logs', 'Software', 'MfaServerUpgrade.log'),
  };
}

function readJournal(c: Case): JournalFile | undefined {
  try {
    return JSON.parse(readFileSync(c.journal, 'utf8')) as JournalFile;
  } catch {
    return undefined; // not written yet, or being replaced
  }
}

const stepState = (c: Case) => readJournal(c)?.Steps.find((s) => s.Id === STEP)?.Status;
const lastStop = (c: Case) => readJournal(c)?.Stops.at(-1);
const logLines = (c: Case) => readFileSync(c.log, 'utf8').trim().split('\n');

/** Core processes of the test build still running with one of these fault points in their environment. */
function coresWith(point: string): string[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('mfa-core') && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(`=${point}\0`);
      } catch {
        return false; // ended meanwhile
      }
    });
}

/** The stop on record: its cause, who wrote it, the step, a time within the test, and a matching log line. */
function assertStopRecorded(c: Case, cause: string, recordedBy: string, startedAt: Date): Stop {
  const stop = lastStop(c);
  assert.ok(stop, 'the journal records a stop');
  assert.deepEqual([stop.Cause, stop.RecordedBy, stop.Step], [cause, recordedBy, STEP]);
  assert.ok(Date.parse(stop.At) >= startedAt.getTime() - 1000 && Date.parse(stop.At) <= Date.now(), `stop time ${stop.At}`);
  const line = logLines(c).find((l) => l.includes(`Run stopped (${cause}) at ${stop.At} in step ${STEP}`));
  assert.ok(line, `the log has the stop's line:\n${logLines(c).slice(-3).join('\n')}`);
  assert.match(line, /-Resume to continue/);
  return stop;
}

/** -Resume completes, and says how the previous run stopped. */
async function assertResumeCompletes(ps: PowerShellSession, c: Case, cause: string): Promise<void> {
  const r = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Resume -Confirm:$false', {
    lab: c.lab,
    backups: c.backups,
    installer: LAB_INSTALLER_PATH,
  });
  const result = r.output[0] as UpgradeResult;
  assert.equal(result.Status, 'Completed', result.Message);
  assert.ok(r.warnings.some((w) => w.includes(`The previous run of this upgrade stopped: Run stopped (${cause})`)), r.warnings.join('\n'));
}

/** An upgrade whose core meets a fault point (a test-build variable) inside the step, run to its end in the session. */
function upgradeWithFault(ps: PowerShellSession, c: Case, variable: 'MFA_TEST_CRASH_AT' | 'MFA_TEST_THROW_AT') {
  return ps.run(
    String.raw`
    Set-Item -Path "Env:$($V.variable)" -Value $V.point
    try { Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Confirm:$false }
    finally { Remove-Item -Path "Env:$($V.variable)" }`,
    { variable, point: `inside:${STEP}`, lab: c.lab, installer: LAB_INSTALLER_PATH, backups: c.backups },
  );
}

/** An upgrade started in a second runspace of the session, with a fault point set for its core; returns when the step runs. */
async function startInRunspace(ps: PowerShellSession, c: Case, fault: Record<string, string>): Promise<void> {
  const started = await ps.run(
    String.raw`
    foreach ($k in $V.fault.PSObject.Properties) { Set-Item -Path "Env:$($k.Name)" -Value $k.Value }
    $global:Upgrade = [powershell]::Create()
    [void]$global:Upgrade.AddScript({ param($m, $p) Import-Module $m; Invoke-MfaServerUpgrade @p }).AddArgument($V.module).AddArgument(@{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups; Confirm = $false })
    $global:UpgradeRun = $global:Upgrade.BeginInvoke()`,
    { fault, module: modulePath, lab: c.lab, installer: LAB_INSTALLER_PATH, backups: c.backups },
  );
  assert.ok(started.ok, started.terminatingError?.message);
  await until(`${STEP} runs`, () => stepState(c) === 'Running', 120_000);
  // Only now: the runspace's core inherits the fault point when it starts, which may be a while after BeginInvoke.
  await runOk(ps, 'foreach ($k in $V.fault.PSObject.Properties) { Remove-Item -Path "Env:$($k.Name)" }', { fault });
}

describe('every end of a run has a cause on record', () => {
  let ps: PowerShellSession;
  before(async () => {
    ps = await openModuleSession(root, process.env, modulePath);
  });
  after(() => ps.close());

  test('Ctrl+C (the pipeline stopped): Cancelled, written by the core before it exits', { skip: process.platform !== 'linux' }, async () => {
    const c = await newCase(ps, 'cancelled');
    const t0 = new Date();
    await startInRunspace(ps, c, { MFA_TEST_HANG_AT: `inside:${STEP}` });
    assert.equal(coresWith(`inside:${STEP}`).length, 1, 'its core is running');
    const stopped = await ps.run('$global:Upgrade.Stop(); [string]$global:Upgrade.InvocationStateInfo.State; $global:Upgrade.Dispose()');
    assert.equal(stopped.output[0], 'Stopped');
    await until('the core has ended', () => coresWith(`inside:${STEP}`).length === 0, 10_000);
    const stop = assertStopRecorded(c, 'Cancelled', 'Core', t0);
    assert.match(stop.Detail, /Ctrl\+C/);
    await assertResumeCompletes(ps, c, 'Cancelled');
  });

  test('a time-out: the command ends with CoreTimedOut (a TimeoutException), the core records TimedOut', { skip: process.platform !== 'linux' }, async () => {
    const c = await newCase(ps, 'timed-out');
    const t0 = new Date();
    // The transport itself, in the module's scope, with a time limit of 8 s instead of the upgrade's 2 hours.
    const r = await ps.run(
      String.raw`
      $env:MFA_TEST_HANG_AT = $V.hang
      try {
          & (Get-Module MfaServerUpgrade) {
              [CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')] param($Item)
              Invoke-MfaCore -Operation 'invoke-upgrade' -Items @($Item) -Caller $PSCmdlet -OutputTypeName 'MfaServerUpgrade.UpgradeResult' -TimeoutSeconds 8 -ChangesState -ConfirmImpact 'High' -OwnProcess
          } -Item @{ LabPath = $V.lab; InstallerPath = $V.installer; BackupDestination = $V.backups } -Confirm:$false
      } finally { Remove-Item Env:MFA_TEST_HANG_AT }`,
      { hang: `inside:${STEP}`, lab: c.lab, installer: LAB_INSTALLER_PATH, backups: c.backups },
    );
    assert.equal(r.ok, false);
    assert.equal(r.terminatingError?.exceptionType, 'System.TimeoutException');
    assert.match(r.terminatingError?.fullyQualifiedErrorId ?? '', /^CoreTimedOut\b/);
    assert.match(r.terminatingError?.message ?? '', /core \(invoke-upgrade\) did not finish within 8 seconds and was stopped/);
    await until('the core has ended', () => coresWith(`inside:${STEP}`).length === 0, 10_000);
    const stop = assertStopRecorded(c, 'TimedOut', 'Core', t0);
    assert.match(stop.Detail, /within 8 seconds/);
    await assertResumeCompletes(ps, c, 'TimedOut');
  });

  test('the PowerShell itself killed (no finally runs in it): CallerGone, written by the core when its stdin ends', { skip: process.platform !== 'linux' }, async () => {
    const c = await newCase(ps, 'caller-gone');
    const q = (s: string) => `'${s.replace(/'/g, "''")}'`;
    const t0 = new Date();
    const shell = spawn(
      pwshExecutable(),
      ['-NoProfile', '-NonInteractive', '-Command', `Import-Module ${q(modulePath)}; Invoke-MfaServerUpgrade -LabPath ${q(c.lab)} -InstallerPath ${q(LAB_INSTALLER_PATH)} -BackupDestination ${q(c.backups)} -Confirm:$false`],
      { env: { ...process.env, MFA_TEST_HANG_AT: `inside:${STEP}` }, stdio: 'ignore' },
    );
    await until(`${STEP} runs`, () => stepState(c) === 'Running', 120_000);
    const exited = new Promise((r) => shell.once('exit', r));
    shell.kill('SIGKILL'); // as Task Manager or a deployment's time limit ends a process: nothing in it runs after
    await exited;
    await until('the core has ended', () => coresWith(`inside:${STEP}`).length === 0, 10_000);
    assertStopRecorded(c, 'CallerGone', 'Core', t0);
    await assertResumeCompletes(ps, c, 'CallerGone');
  });

  test('the core killed: the command ends with CoreKilled, and the module records the stop the core could not', async () => {
    const c = await newCase(ps, 'core-killed');
    const t0 = new Date();
    const r = await upgradeWithFault(ps, c, 'MFA_TEST_CRASH_AT');
    assert.equal(r.ok, false);
    assert.match(r.terminatingError?.fullyQualifiedErrorId ?? '', /^CoreKilled\b/);
    assert.match(r.terminatingError?.message ?? '', /without a result: it was killed/);
    const stop = assertStopRecorded(c, 'CoreKilled', 'Module', t0);
    assert.ok(stop.ProcessId && stop.ProcessId > 0, 'the dead core is named');
    await assertResumeCompletes(ps, c, 'CoreKilled');
  });

  test('the core crashed (an error escaped it): a CoreCrashed error record, and the core recorded the crash first', async () => {
    const c = await newCase(ps, 'core-crashed');
    const t0 = new Date();
    const r = await upgradeWithFault(ps, c, 'MFA_TEST_THROW_AT');
    assert.deepEqual(r.output, [], 'no result: the run did not end');
    const errors = [...r.errors, ...(r.terminatingError ? [r.terminatingError] : [])];
    assert.ok(errors.some((e) => /^CoreCrashed\b/.test(e.fullyQualifiedErrorId) && /test fault at inside:/.test(e.message)), JSON.stringify(errors));
    const stop = assertStopRecorded(c, 'CoreCrashed', 'Core', t0);
    assert.match(stop.Detail, /test fault at inside:/);
    await assertResumeCompletes(ps, c, 'CoreCrashed');
  });

  test('the pipe the core reports through closed: PipeClosed, written by the core at its next event', async () => {
    const c = await newCase(ps, 'pipe-closed');
    const t0 = new Date();
    // The core as the transport starts it (attached: the request as the first stdin line, stdin kept open).
    const core = spawn(process.execPath, [CORE, 'invoke-upgrade', '--attached'], { env: { ...process.env, MFA_TEST_HANG_AT: `inside:${STEP}` }, stdio: ['pipe', 'pipe', 'pipe'] });
    core.stdin.write(JSON.stringify({ LabPath: c.lab, InstallerPath: LAB_INSTALLER_PATH, BackupDestination: c.backups }) + '\n');
    core.stdout.resume();
    core.stderr.resume();
    await until(`${STEP} runs`, () => stepState(c) === 'Running', 120_000);
    const exited = new Promise<number | null>((r) => core.once('exit', (code) => r(code)));
    core.stdout.destroy();
    core.stderr.destroy(); // the reader goes; stdin stays open, so only the broken pipe can tell the core
    assert.equal(await exited, 1);
    const stop = assertStopRecorded(c, 'PipeClosed', 'Core', t0);
    assert.match(stop.Detail, /pipe was closed \(EPIPE\)/);
    core.stdin.destroy();
    await assertResumeCompletes(ps, c, 'PipeClosed');
  });

  test('a run stopped before its journal was written: the journal, log and report of the next run show the stop', async () => {
    const c = await newCase(ps, 'before-journal');
    const t0 = new Date();
    // The core as the transport starts it, held where the run has its folder and server claims but no journal yet.
    const core = spawn(process.execPath, [CORE, 'invoke-upgrade', '--attached'], { env: { ...process.env, MFA_TEST_HANG_AT: 'before-journal' }, stdio: ['pipe', 'ignore', 'pipe'] });
    let said = '';
    core.stderr.on('data', (d: Buffer) => (said += d.toString()));
    core.stdin.write(JSON.stringify({ LabPath: c.lab, InstallerPath: LAB_INSTALLER_PATH, BackupDestination: c.backups }) + '\n');
    await until('the run waits before its journal', () => said.includes('test hang at before-journal'), 120_000);
    const exited = new Promise<number | null>((r) => core.once('exit', (code) => r(code)));
    core.stdin.end(JSON.stringify({ stop: 'Cancelled', detail: 'The command was stopped (Ctrl+C, Stop-Job or a stopped pipeline).' }) + '\n');
    assert.equal(await exited, 1);
    assert.equal(readJournal(c), undefined, 'no journal was written');
    const r = await runOk(ps, 'Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath $V.installer -BackupDestination $V.backups -Confirm:$false', {
      lab: c.lab,
      backups: c.backups,
      installer: LAB_INSTALLER_PATH,
    });
    const result = r.output[0] as UpgradeResult & { ReportPath: string };
    assert.equal(result.Status, 'Completed', result.Message);
    assert.ok(r.warnings.some((w) => w.includes('An earlier run of this upgrade stopped before its journal was written: Run stopped (Cancelled)')), r.warnings.join('\n'));
    const stop = readJournal(c)!.Stops[0];
    assert.deepEqual([stop.Cause, stop.RecordedBy, stop.Step, stop.ProcessId], ['Cancelled', 'Core', null, core.pid]);
    assert.ok(Date.parse(stop.At) >= t0.getTime() - 1000);
    assert.match(readFileSync(result.ReportPath, 'utf8'), /Stops before the run finished[\s\S]*Cancelled/);
    assert.ok(logLines(c).some((l) => l.includes('stopped before its journal was written')), 'the log has it');
  });

  test('an end nobody could record (the core killed with no module to see it): the next run records NotRecorded', async () => {
    const c = await newCase(ps, 'not-recorded');
    const t0 = new Date();
    // Attached, as the transport starts it (stdin stays open: its end would stop the core before the crash point).
    const core = spawn(process.execPath, [CORE, 'invoke-upgrade', '--attached'], { env: { ...process.env, MFA_TEST_CRASH_AT: `inside:${STEP}` }, stdio: ['pipe', 'ignore', 'ignore'] });
    const ended = new Promise<NodeJS.Signals | null>((r) => core.once('exit', (_code, signal) => r(signal)));
    core.stdin.write(JSON.stringify({ LabPath: c.lab, InstallerPath: LAB_INSTALLER_PATH, BackupDestination: c.backups }) + '\n');
    assert.equal(await ended, 'SIGKILL');
    core.stdin.destroy();
    assert.equal(stepState(c), 'Running');
    assert.deepEqual(readJournal(c)?.Stops, [], 'nothing on record yet');
    await assertResumeCompletes(ps, c, 'NotRecorded');
    const stop = readJournal(c)!.Stops.at(-1)!;
    assert.deepEqual([stop.Cause, stop.RecordedBy, stop.Step, stop.ProcessId], ['NotRecorded', 'NextRun', STEP, core.pid]);
    assert.ok(Date.parse(stop.At) >= t0.getTime());
    assert.ok(logLines(c).some((l) => l.includes(`Run stopped (NotRecorded)`)), 'the log has it');
  });
});

describe('the ConfigMgr / Intune install script', () => {
  test('returns non-zero (69011) when the core is killed, and names CoreKilled on STDERR', async () => {
    const ps = await openModuleSession(root, process.env, modulePath);
    const c = await newCase(ps, 'deploy-killed');
    await ps.close();
    const psd1 = path.join(root, 'deploy-killed', 'upgrade.psd1');
    writeFileSync(psd1, `@{\r\n  InstallerPath = 'C:\\Media\\MfaServer'\r\n  BackupDestination = 'backups'\r\n  LabPath = 'lab'\r\n}\r\n`);
    const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', path.join(repoRoot, 'deploy', 'Install-MfaServerUpgrade.ps1'), '-ParametersFile', psd1, '-LogFolder', path.join(root, 'deploy-killed', 'logs')], {
      cwd: root,
      env: {
        ...process.env,
        PSModulePath: path.dirname(modulePath),
        MFA_NODE: process.execPath,
        MFA_TEST_CRASH_AT: `inside:${STEP}`,
      },
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(r.status, 69011 & 0xff, `${r.stdout}\n${r.stderr}`); // Linux keeps the low 8 bits of a return code
    assert.match(r.stdout + r.stderr, /69011/);
    assert.match(r.stderr, /ended without a result \(CoreKilled/);
    assert.equal(lastStop(c)?.Cause, 'CoreKilled', 'the journal has the stop too');
  });
});
