// The ConfigMgr / Intune kit (deploy/), run as those tools run it: a PowerShell child process with -File, judged by
// its exit code, STDOUT and STDERR, against labs. The module is found on PSModulePath (the repository's build).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pwshExecutable, repoRoot } from '../helpers/pwsh';
import { SEVEN_ONLY_QUERY } from '../helpers/ps-syntax';
import { labMediaFile } from '../../core/host/lab/media';

const INSTALL = path.join(repoRoot, 'deploy', 'Install-MfaServerUpgrade.ps1');
const DETECT = path.join(repoRoot, 'deploy', 'Detect-MfaServerUpgrade.ps1');
const REQUIREMENT = path.join(repoRoot, 'deploy', 'Requirement-MfaServerUpgrade.ps1');
const CORE = path.join(repoRoot, 'ps-module', 'MfaServerUpgrade', 'lib', 'mfa-core.cjs');

let root: string;
before(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'mfa-deploy-'));
});
after(() => {
  rmSync(root, { recursive: true, force: true });
});

/**
 * The process exit code a return code becomes: Windows keeps 32 bits; Linux and macOS keep the low 8 bits (69010 is
 * seen as 146 there). The full code is also in the summary line, which the tests read as well.
 */
const asProcessExit = (code: number) => (process.platform === 'win32' ? code : code & 0xff);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  logFolder: string;
}

/**
 * One script run the way ConfigMgr / Intune start it: its own process, -File, no profile, no input. The install
 * program logs into a folder of its own (-LogFolder: %SystemRoot% does not exist here).
 */
function runScript(script: string, args: string[], extraEnv: Record<string, string> = {}, logFolder = mkdtempSync(path.join(root, 'logs-'))): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, PSModulePath: path.join(repoRoot, 'ps-module'), MFA_NODE: process.execPath, ...extraEnv };
  if (!('PROCESSOR_ARCHITEW6432' in extraEnv)) delete env.PROCESSOR_ARCHITEW6432;
  const logArgs = script === INSTALL ? ['-LogFolder', logFolder] : [];
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script, ...args, ...logArgs], { cwd: root, env, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, logFolder };
}

function newLab(name: string): string {
  const lab = path.join(root, name, 'lab');
  const out = execFileSync(process.execPath, [CORE, 'new-lab'], { input: JSON.stringify({ Path: lab }), encoding: 'utf8' });
  assert.equal(JSON.parse(out).ok, true, out);
  return lab;
}

function newLabOf(name: string, scenario: string): string {
  const lab = path.join(root, name, 'lab');
  const out = execFileSync(process.execPath, [CORE, 'new-lab'], { input: JSON.stringify({ Path: lab, Scenario: scenario }), encoding: 'utf8' });
  assert.equal(JSON.parse(out).ok, true, out);
  return lab;
}

function addFault(lab: string, rule: { match?: string; exitCode: number; times?: number }): void {
  const file = path.join(lab, 'server.json');
  const server = JSON.parse(readFileSync(file, 'utf8')) as { faults?: { msiexec?: unknown[] } };
  server.faults = { ...server.faults, msiexec: [...(server.faults?.msiexec ?? []), rule] };
  writeFileSync(file, JSON.stringify(server, null, 2));
}

/** A parameters file for the lab in the folder above it: the backup folder is written relative to the file. */
function psd1For(lab: string, extra = ''): string {
  const file = path.join(path.dirname(lab), 'upgrade.psd1');
  writeFileSync(file, `@{\r\n  InstallerPath = 'C:\\Media\\MfaServer'\r\n  BackupDestination = 'backups'\r\n  LabPath = 'lab'\r\n${extra}}\r\n`);
  return file;
}

function install(parametersFile: string, extraEnv: Record<string, string> = {}): Run {
  return runScript(INSTALL, ['-ParametersFile', parametersFile], extraEnv);
}

function detect(lab: string): Run {
  return runScript(DETECT, ['-LabPath', lab]);
}

function logText(run: Run): string {
  return readFileSync(path.join(run.logFolder, 'MfaServerUpgrade-Install.log'), 'utf8');
}

const CMTRACE_LINE = /^<!\[LOG\[[\s\S]*?\]LOG\]!><time="\d\d:\d\d:\d\d\.\d{3}[+-]\d{3}" date="\d{1,2}-\d{1,2}-\d{4}" component="Install-MfaServerUpgrade" context="[^"]*" type="[123]" thread="\d+" file="Install-MfaServerUpgrade\.ps1">$/;

describe('install script on a lab', () => {
  test('a full run exits 0 with one summary line on STDOUT, nothing on STDERR, and a CMTrace log', () => {
    const lab = newLab('full');
    const run = install(psd1For(lab));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stderr, '');
    assert.deepEqual(run.stdout.trim().split(/\r?\n/), [run.stdout.trim()], 'one line');
    assert.match(run.stdout, /^MfaServerUpgrade: Completed: .*\(return code 0\)/);
    const log = readFileSync(path.join(run.logFolder, 'MfaServerUpgrade-Install.log'));
    assert.equal(log.subarray(0, 3).toString('hex'), 'efbbbf', 'UTF-8 BOM at the start of the log');
    const lines = log.toString('utf8').slice(1).split('\r\n').filter(Boolean);
    assert.ok(lines.length >= 4, lines.join('\n'));
    // Multi-line messages continue on the next lines; every entry start is a complete CMTrace line.
    const entries = log.toString('utf8').slice(1).split(/\r\n(?=<!\[LOG\[)/).map((l) => l.replace(/\r\n$/, ''));
    for (const e of entries) assert.match(e, CMTRACE_LINE);
    assert.match(entries.join('\n'), /-Resume 'True'/, 'always runs with -Resume');
    assert.ok(existsSync(path.join(path.dirname(lab), 'backups')), 'BackupDestination resolved relative to the parameters file');
  });

  test('a failed portal install exits 69002 with the reason on STDERR', () => {
    const lab = newLab('fault');
    addFault(lab, { match: 'MultiFactorAuthenticationUserPortalSetup', exitCode: 1603, times: 1 });
    const run = install(psd1For(lab));
    assert.equal(run.code, asProcessExit(69002), run.stdout + run.stderr);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /^MfaServerUpgrade: Failed: .*1603.*\(return code 69002\)\r?\n$/s);
    assert.match(logText(run), /Next action: .*Restore-PhoneFactor/);
  });

  test('-Undo (the uninstall program) takes the upgraded lab back to its backup: exit 0, one line on STDOUT; again: 69023 on STDERR', () => {
    const lab = newLab('undo');
    const file = psd1For(lab);
    assert.equal(install(file).code, 0);
    // An Undo needs no media: a parameters file without InstallerPath is enough for it.
    const undoFile = path.join(path.dirname(lab), 'undo.json');
    writeFileSync(undoFile, JSON.stringify({ BackupDestination: 'backups', LabPath: 'lab' }));
    const run = runScript(INSTALL, ['-ParametersFile', undoFile, '-Undo']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(run.stderr, '');
    assert.match(run.stdout, /^MfaServerUpgrade: Completed: The Undo completed.*\(return code 0\)\r?\n$/s);
    assert.match(logText(run), /Undo-MfaServerUpgrade -BackupDestination '.*backups' -Confirm 'False' -LabPath/);
    assert.equal(detect(lab).stdout, '', 'the detection script sees no upgrade');
    const again = runScript(INSTALL, ['-ParametersFile', undoFile, '-Undo']);
    assert.equal(again.code, asProcessExit(69023), again.stdout + again.stderr);
    assert.match(again.stderr, /^MfaServerUpgrade: Failed: NoUpgradeToUndo: .*\(return code 69023\)/);
    // Without -Undo the same file lacks InstallerPath.
    const plain = runScript(INSTALL, ['-ParametersFile', undoFile]);
    assert.equal(plain.code, asProcessExit(69010));
    assert.match(plain.stderr, /lacks InstallerPath/);
  });

  test('1618 exits 1618; the retry ConfigMgr makes with the same command line resumes and exits 0', () => {
    const lab = newLab('busy');
    addFault(lab, { exitCode: 1618 });
    const file = psd1For(lab);
    const first = install(file);
    assert.equal(first.code, asProcessExit(1618), first.stdout + first.stderr);
    assert.equal(first.stderr, '', '1618 is "retry later", not a failure');
    assert.match(first.stdout, /\(return code 1618\)/);
    const server = JSON.parse(readFileSync(path.join(lab, 'server.json'), 'utf8')) as { faults?: object };
    delete server.faults;
    writeFileSync(path.join(lab, 'server.json'), JSON.stringify(server, null, 2));
    const retry = install(file);
    assert.equal(retry.code, 0, retry.stdout + retry.stderr);
    assert.equal(retry.stderr, '');
    assert.match(logText(retry), /resum/i);
  });

  test('Legacy naming from a JSON parameters file keeps the PhoneFactor virtual directory names', () => {
    const lab = newLab('json');
    const file = path.join(path.dirname(lab), 'upgrade.json');
    writeFileSync(file, JSON.stringify({ InstallerPath: 'C:\\Media\\MfaServer', BackupDestination: 'backups', LabPath: 'lab', VirtualDirectoryNaming: 'Legacy' }));
    const run = install(file);
    // Legacy names pause at a manual step when no MSI property sets the vdir (README, honest limits), or complete.
    assert.ok(run.code === 0 || run.code === asProcessExit(69001), `${run.code}: ${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /\(return code (0|69001)\)/);
    assert.equal(run.stderr, '');
    assert.match(logText(run), /-VirtualDirectoryNaming 'Legacy'/);
  });
});

describe('install script with a reviewed plan (PlanPath)', () => {
  /** Get-MfaUpgradePlan -OutFile through the core, with the backup folder the parameters file will name. */
  function exportPlan(lab: string): string {
    const file = path.join(path.dirname(lab), 'reviewed-plan.json');
    const request = { LabPath: lab, InstallerPath: 'C:\\Media\\MfaServer', BackupDestination: path.join(path.dirname(lab), 'backups'), OutFile: file };
    const out = execFileSync(process.execPath, [CORE, 'get-upgrade-plan'], { input: JSON.stringify(request), encoding: 'utf8' });
    assert.equal(JSON.parse(out).ok, true, out);
    return file;
  }
  const planPsd1 = (lab: string) => {
    const file = path.join(path.dirname(lab), 'upgrade.psd1');
    writeFileSync(file, `@{\r\n  PlanPath = 'reviewed-plan.json'\r\n  BackupDestination = 'backups'\r\n  LabPath = 'lab'\r\n}\r\n`);
    return file;
  };

  test('PlanPath without InstallerPath runs the reviewed plan: exit 0, the log names the plan', () => {
    const lab = newLab('reviewed');
    exportPlan(lab);
    const run = install(planPsd1(lab));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /^MfaServerUpgrade: Completed: .*\(return code 0\)/);
    assert.match(logText(run), /-PlanPath '[^']*reviewed-plan\.json'/);
    assert.match(logText(run), /Reviewed plan .*are as reviewed/);
  });

  test('the lab changed since the plan was made: 69003 before anything changes, the difference on STDERR', () => {
    const lab = newLab('reviewed-changed');
    exportPlan(lab);
    const config = path.join(lab, 'C', 'Windows', 'System32', 'inetsrv', 'config', 'applicationHost.config');
    writeFileSync(config, readFileSync(config, 'utf8').replace('<application path="/PhoneFactor" ', '<application path="/PFPortal" '));
    const run = install(planPsd1(lab));
    assert.equal(run.code, asProcessExit(69003), run.stdout + run.stderr);
    assert.match(run.stderr, /ReviewedPlanDiffers: The servers changed since the reviewed plan/);
    assert.match(logText(run), /VirtualDirectory: "PhoneFactor" in the reviewed plan, "PFPortal" now/);
  });
});

describe('install script and the way back', () => {
  test('no package can reinstall the PhoneFactor products: 69003 before anything changes; RollbackMediaPath with the installers goes on', () => {
    const lab = newLabOf('rollback', 'CachedPackageOnly');
    const file = path.join(path.dirname(lab), 'upgrade.json');
    writeFileSync(file, JSON.stringify({ InstallerPath: 'C:\\Media\\MfaServer', BackupDestination: 'backups', LabPath: 'lab' }));
    const refused = install(file);
    assert.equal(refused.code, asProcessExit(69003), refused.stdout + refused.stderr);
    assert.match(refused.stderr, /RollbackMedia on MFA01/);
    // The admin puts the previous installers into the application's content (here: inside the lab server) and names them.
    const media = path.join(lab, 'C', 'Media', 'PhoneFactor');
    mkdirSync(media, { recursive: true });
    for (const f of ['PhoneFactorAgentSetup.msi', 'PhoneFactorUserPortalSetup64.msi', 'PFUP64.CAB', 'PhoneFactorPhoneAppWebServiceSetup64.msi',
      'PhoneFactorWebServiceSdkSetup.msi', 'PFSDK.CAB']) {
      copyFileSync(labMediaFile(path.join(repoRoot, 'assets', 'lab-media', 'phonefactor'), f), path.join(media, f));
    }
    writeFileSync(file, JSON.stringify({ InstallerPath: 'C:\\Media\\MfaServer', BackupDestination: 'backups', LabPath: 'lab', RollbackMediaPath: 'C:\\Media\\PhoneFactor' }));
    const run = install(file);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(logText(run), /-RollbackMediaPath 'C:\\Media\\PhoneFactor'/);
  });
});

describe('install script: script errors exit 69010 with a clear message on STDERR', () => {
  const cases: [string, string, RegExp][] = [
    ['missing file', '', /parameters file '.*nothing-here\.psd1' was not found/],
    ['unknown key', "@{ InstallerPath = 'C:\\M'; BackupDestination = 'b'; Force = 'yes' }", /unknown key\(s\): Force/],
    ['missing BackupDestination', "@{ InstallerPath = 'C:\\M' }", /lacks BackupDestination/],
    ['bad naming', "@{ InstallerPath = 'C:\\M'; BackupDestination = 'b'; VirtualDirectoryNaming = 'Old' }", /VirtualDirectoryNaming must be New or Legacy/],
    ['not a string', "@{ InstallerPath = 'C:\\M'; BackupDestination = 3 }", /BackupDestination must be a non-empty string/],
    ['not a data file', '@{ InstallerPath = (Get-Date) }', /could not be read/],
  ];
  for (const [name, content, message] of cases) {
    test(name, () => {
      const file = path.join(root, 'bad', name.replace(/\W+/g, '-'), content ? 'p.psd1' : 'nothing-here.psd1');
      if (content) {
        execFileSync('mkdir', ['-p', path.dirname(file)]);
        writeFileSync(file, content);
      }
      const run = install(file);
      assert.equal(run.code, asProcessExit(69010), run.stdout + run.stderr);
      assert.equal(run.stdout, '');
      assert.match(run.stderr, message);
      assert.match(run.stderr, /\(return code 69010\)\r?\n$/);
      assert.equal(run.stderr.trim().split(/\r?\n/).length, 1, 'one line');
      assert.match(logText(run), /type="3"/, 'logged as an error');
    });
  }

  test('a malformed JSON file', () => {
    const file = path.join(root, 'bad', 'broken.json');
    writeFileSync(file, '{ "InstallerPath": ');
    const run = install(file);
    assert.equal(run.code, asProcessExit(69010));
    assert.match(run.stderr, /\(return code 69010\)/);
    assert.match(run.stderr, /broken\.json' could not be read/);
  });

  test('the log rotates at 10 MB: MfaServerUpgrade-Install-1.log, older ones move up, ten files kept', () => {
    const logFolder = mkdtempSync(path.join(root, 'logs-rotate-'));
    const file = (n: number | null) => path.join(logFolder, n === null ? 'MfaServerUpgrade-Install.log' : `MfaServerUpgrade-Install-${n}.log`);
    writeFileSync(file(null), Buffer.alloc(10 * 1024 * 1024, 0x41)); // full: the next line would pass 10 MB
    for (let n = 1; n <= 9; n++) writeFileSync(file(n), `old ${n}`);
    const run = runScript(INSTALL, [], {}, logFolder);
    assert.equal(run.code, asProcessExit(69010), run.stdout + run.stderr);
    assert.equal(readFileSync(file(1)).length, 10 * 1024 * 1024, 'the full log is now -1');
    for (let n = 2; n <= 9; n++) assert.equal(readFileSync(file(n), 'utf8'), `old ${n - 1}`, `-${n - 1} moved to -${n}`);
    assert.equal(existsSync(file(10)), false, 'the oldest (old -9) is gone: ten files in all');
    const fresh = readFileSync(file(null));
    assert.equal(fresh.subarray(0, 3).toString('hex'), 'efbbbf', 'the new log starts with its BOM');
    assert.match(fresh.toString('utf8'), /No -ParametersFile was given/);
  });

  test('no -ParametersFile at all', () => {
    const run = runScript(INSTALL, []);
    assert.equal(run.code, asProcessExit(69010));
    assert.match(run.stderr, /No -ParametersFile was given/);
  });

  test('the module cannot be found', () => {
    const lab = newLab('nomodule');
    const run = install(psd1For(lab), { PSModulePath: path.join(root, 'empty-modules') });
    assert.equal(run.code, asProcessExit(69010), run.stdout + run.stderr);
    assert.match(run.stderr, /MfaServerUpgrade module was not found/);
  });
});

/**
 * 32-bit PowerShell on 64-bit Windows as Windows presents it: PROCESSOR_ARCHITEW6432 is set, and the 64-bit
 * powershell.exe is reached through %SystemRoot%\Sysnative. Here SystemRoot is a folder of the test whose
 * Sysnative\WindowsPowerShell\v1.0\powershell.exe records its arguments and answers with the given exit code.
 */
function wow64Host(name: string, exitCode: number): { env: Record<string, string>; recorded: () => string[] | undefined } {
  const systemRoot = path.join(root, name, 'Windows');
  const folder = path.join(systemRoot, 'Sysnative', 'WindowsPowerShell', 'v1.0');
  mkdirSync(folder, { recursive: true });
  const record = path.join(root, name, 'relaunch.txt');
  writeFileSync(path.join(folder, 'powershell.exe'), `#!/bin/sh\nprintf '%s\\n' "$@" > '${record}'\nexit ${exitCode}\n`, { mode: 0o755 });
  return {
    env: { PROCESSOR_ARCHITEW6432: 'AMD64', SystemRoot: systemRoot },
    recorded: () => (existsSync(record) ? readFileSync(record, 'utf8').split('\n').slice(0, -1) : undefined),
  };
}

describe('install script: 32-bit host on 64-bit Windows', { skip: process.platform === 'win32' && 'the stand-in powershell.exe is a shell script' }, () => {
  test('starts itself again in 64-bit Windows PowerShell through Sysnative with the same parameters, and returns its code', () => {
    const lab = newLab('wow64');
    const file = psd1For(lab);
    const host = wow64Host('wow64', 3010 & 0xff);
    const run = install(file, host.env);
    assert.equal(run.code, 3010 & 0xff, run.stdout + run.stderr);
    // The relaunch keeps the execution policy of the run that started it (AllSigned for a signed package), never Bypass.
    // pwsh outside Windows has one policy only (Unrestricted): what it says is what must be passed on.
    const policy = execFileSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command', 'Get-ExecutionPolicy'], { encoding: 'utf8' }).trim();
    assert.deepEqual(host.recorded(), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', policy, '-File', INSTALL, '-ParametersFile', file, '-LogFolder', run.logFolder, '-Relaunched']);
    assert.ok(!existsSync(path.join(path.dirname(lab), 'backups')), 'the 32-bit run itself upgraded nothing');
    assert.match(logText(run), /32-bit host on 64-bit Windows: starting again as .*Sysnative.*powershell\.exe/);
  });

  test('a 64-bit host (no PROCESSOR_ARCHITEW6432) runs the upgrade itself', () => {
    const lab = newLab('wow64-not');
    const host = wow64Host('wow64-not', 0);
    const { PROCESSOR_ARCHITEW6432: _, ...sixtyFourBit } = host.env;
    const run = install(psd1For(lab), sixtyFourBit);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.equal(host.recorded(), undefined, 'no relaunch');
    assert.ok(existsSync(path.join(path.dirname(lab), 'backups')));
  });

  test('a relaunched run that is still 32-bit stops with 69010 instead of relaunching again', () => {
    const lab = newLab('wow64-loop');
    const host = wow64Host('wow64-loop', 0);
    const run = runScript(INSTALL, ['-ParametersFile', psd1For(lab), '-Relaunched'], host.env);
    assert.equal(run.code, asProcessExit(69010));
    assert.match(run.stderr, /Still a 32-bit process/);
    assert.equal(host.recorded(), undefined, 'no second relaunch');
  });
});

describe('install script copies the module for the detection script', () => {
  test('into <ModulesFolder>\\MfaServerUpgrade\\<version>, where the detection script finds it', () => {
    const lab = newLab('copy');
    const programFiles = path.join(root, 'ProgramFiles');
    const modules = path.join(programFiles, 'WindowsPowerShell', 'Modules');
    const run = install(psd1For(lab, `  ModulesFolder = '${path.relative(path.dirname(lab), modules)}'\r\n`));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
    const copied = path.join(modules, 'MfaServerUpgrade', version);
    assert.deepEqual(readdirSync(copied).sort(), readdirSync(path.join(repoRoot, 'ps-module', 'MfaServerUpgrade')).sort());
    assert.ok(readFileSync(path.join(copied, 'lib', 'mfa-core.cjs')).equals(readFileSync(CORE)));
    // The detection script, started with no module on PSModulePath, finds the copy under %ProgramW6432%.
    const detected = runScript(DETECT, ['-LabPath', lab], { PSModulePath: path.join(root, 'empty-modules'), ProgramW6432: programFiles });
    assert.deepEqual([detected.code, detected.stderr], [0, '']);
    assert.match(detected.stdout, /^Upgraded to MFA Server: MFA01 /);
  });
});

describe('detection script', () => {
  test('nothing before the upgrade, one line after; never STDERR; exit 0 both times', () => {
    const lab = newLab('detect');
    const before = detect(lab);
    assert.deepEqual([before.code, before.stdout, before.stderr], [0, '', '']);
    const run = install(psd1For(lab));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const afterRun = detect(lab);
    assert.equal(afterRun.code, 0);
    assert.equal(afterRun.stderr, '');
    assert.match(afterRun.stdout, /^Upgraded to MFA Server: MFA01 \S+\r?\n$/);
  });

  test('a check that cannot run (no such lab, or no module) prints nothing and exits 0', () => {
    const missing = detect(path.join(root, 'no-such-lab'));
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [0, '', '']);
    const noModule = runScript(DETECT, ['-LabPath', path.join(root, 'no-such-lab')], { PSModulePath: path.join(root, 'empty-modules') });
    assert.deepEqual([noModule.code, noModule.stdout, noModule.stderr], [0, '', '']);
  });
});

describe('requirement script (Intune)', () => {
  // Intune runs it before the content is downloaded: no module. PSModulePath points at an empty folder to prove it.
  const requirement = (lab: string) => runScript(REQUIREMENT, ['-LabPath', lab], { PSModulePath: path.join(root, 'empty-modules') });

  test('"Applicable" while PhoneFactor is there, nothing once upgraded; exit 0 and no STDERR both times', () => {
    const lab = newLab('requirement');
    const before = requirement(lab);
    assert.deepEqual([before.code, before.stdout, before.stderr], [0, 'Applicable\n', '']);
    const run = install(psd1For(lab));
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const afterRun = requirement(lab);
    assert.deepEqual([afterRun.code, afterRun.stdout, afterRun.stderr], [0, '', '']);
  });

  test('a run stopped after every PhoneFactor product was removed is still applicable, so the next attempt resumes it', () => {
    const lab = newLab('requirement-stopped');
    const file = path.join(lab, 'server.json');
    const server = JSON.parse(readFileSync(file, 'utf8')) as { faults?: Record<string, unknown[]> };
    server.faults = { setup: [{ exitCode: 1603, times: 1 }] };
    writeFileSync(file, JSON.stringify(server, null, 2));
    const failed = install(psd1For(lab));
    assert.equal(failed.code, asProcessExit(69002), failed.stdout + failed.stderr);
    const products = readFileSync(path.join(lab, 'registry.reg')).toString('utf16le');
    assert.doesNotMatch(products, /"DisplayName"="PhoneFactor/, 'no PhoneFactor product is left');
    const stopped = requirement(lab);
    assert.deepEqual([stopped.code, stopped.stdout, stopped.stderr], [0, 'Applicable\n', '']);
    const resumed = install(psd1For(lab));
    assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
    assert.deepEqual(requirement(lab).stdout, '', 'completed: no longer applicable');
  });

  test('a check that cannot run (no such lab) writes nothing and exits 0', () => {
    const missing = requirement(path.join(root, 'no-such-lab'));
    assert.deepEqual([missing.code, missing.stdout, missing.stderr], [0, '', '']);
  });
});

// Nodes Windows PowerShell 5.1 cannot parse: the shared query of test/helpers/ps-syntax.ts.
function sevenOnlySyntax(files: string[], snippet?: string): { file: string; errors: string[]; sevenOnly: string[] }[] {
  const script = String.raw`
    $query = ${SEVEN_ONLY_QUERY}
    $out = @()
    foreach ($file in $args) {
      $tokens = $null; $errors = $null
      if ($file -eq '-') { $ast = [System.Management.Automation.Language.Parser]::ParseInput($env:SNIPPET, [ref]$tokens, [ref]$errors) }
      else { $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors) }
      $out += [pscustomobject]@{ file = $file; errors = @($errors | ForEach-Object { $_.Message }); sevenOnly = @($ast.FindAll($query, $true) | ForEach-Object { $_.Extent.Text }) }
    }
    ConvertTo-Json -InputObject @($out) -Depth 4`;
  const encoded = Buffer.from(script, 'utf16le').toString('base64');
  // -EncodedCommand takes no arguments; the file list travels in an environment variable instead.
  const list = snippet !== undefined ? ['-'] : files;
  // The list is splatted (@files), so each file is an argument of its own; -split takes a regex, so the bar is escaped.
  const wrapper = `$files = @($env:FILES -split '\\|'); & ([scriptblock]::Create([Text.Encoding]::Unicode.GetString([Convert]::FromBase64String('${encoded}')))) @files`;
  const out = execFileSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-Command', wrapper], { encoding: 'utf8', env: { ...process.env, FILES: list.join('|'), SNIPPET: snippet ?? '' } });
  return JSON.parse(out);
}

test('the kit\'s scripts parse, use nothing Windows PowerShell 5.1 lacks, and are ASCII with a UTF-8 BOM', () => {
  const files = [INSTALL, DETECT, REQUIREMENT, path.join(repoRoot, 'deploy', 'MfaServerUpgrade.Parameters.psd1')];
  for (const f of files) {
    const bytes = readFileSync(f);
    assert.equal(bytes.subarray(0, 3).toString('hex'), 'efbbbf', `${f} starts with a BOM`);
    assert.ok(bytes.subarray(3).every((b) => b < 0x80), `${f} is ASCII after the BOM`);
  }
  const results = sevenOnlySyntax(files);
  // One result per file, each naming its file: a list handed over as one argument once made this loop check nothing.
  assert.deepEqual(results.map((r) => r.file), files);
  for (const r of results) {
    assert.deepEqual(r.errors, [], `${r.file} parses`);
    assert.deepEqual(r.sevenOnly, [], `${r.file} has no PowerShell 7-only syntax`);
  }
  // The query can fail: each 7-only construct is found.
  const probe = sevenOnlySyntax([], '$a = $b ?? 1; $a ??= 2; $c = $d ? 1 : 2; ${e}?.f; ${e}?[0]; git x && git y');
  assert.equal(probe[0].sevenOnly.length, 6, JSON.stringify(probe));
});
