// Issue #7: -Session and -Credential. Sessions the admin already holds and credentials stay in the admin's PowerShell;
// the transport runs the remoting scripts there for the core (brokered-powershell.ts, Invoke-MfaBroker.ps1).
// -Session is exercised for real over the loopback sshd. -Credential opens WinRM sessions, which Linux cannot: its test
// swaps New-PSSession for a recording stand-in (MFA_TEST_REMOTING_SHIM) that notes what it was given and then opens
// the SSH session, so everything after the credential hand-off is real.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { faultModulePath } from '../helpers/pwsh';
import { LoopbackSshd, remoteTestsSkip } from '../helpers/sshd';
import { startRemoteSuite, stopRemoteSuite } from '../helpers/remote-suite';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let ps: PowerShellSession;
let root: string;
let farLab: string;

const PASSWORD = 'Pa55-w0rd!never-shown';

/** Opens a session the way an admin would, into the global variable named. */
const openSession = (variable: string, address: string) => String.raw`
$global:${variable} = New-PSSession -HostName ${address} -Port $V.port -UserName $V.user -KeyFilePath $V.key -Options @{ UserKnownHostsFile = $V.known; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' } -ErrorAction Stop`;
const sshValues = () => ({ port: sshd.port, user: sshd.user, key: sshd.keyFile, known: sshd.knownHostsFile, lab: farLab });

before(async () => {
  if (skip) return;
  ({ sshd, ps, root } = await startRemoteSuite('mfa-session-', {
    // A second "server" for the closed-session and separate-web-server cases.
    prepare: (server) => server.listenAlsoOn('127.0.0.2'),
    // The module's own remoting would go to port 1 (nothing listens): only the sessions given can reach the server.
    env: () => ({ MFA_REMOTE_SSH_PORT: '1' }),
    // The test build: the -Credential test stands in for New-PSSession through MFA_TEST_REMOTING_SHIM.
    module: faultModulePath,
  }));
  farLab = path.join(root, 'far-lab');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab: farLab });
  assert.ok(made.ok, made.terminatingError?.message);
  const opened = await ps.run(openSession('S1', '127.0.0.1'), sshValues());
  assert.ok(opened.ok, opened.terminatingError?.message);
});

after(async () => {
  if (!skip) await stopRemoteSuite({ sshd, ps, root }, true);
});

test('remoting settings are parameters: -RemoteTransport/-RemotePort/-RemoteUserName/-RemoteKeyFilePath reach the server with no MFA_REMOTE_* variable set', { skip }, async () => {
  const r = await ps.run(String.raw`
    $saved = @{ T = $env:MFA_REMOTE_TRANSPORT; P = $env:MFA_REMOTE_SSH_PORT; U = $env:MFA_REMOTE_USER; K = $env:MFA_REMOTE_KEYFILE }
    try {
      # The environment's port (1) refuses: without the parameter the server is out of reach.
      $before = @(Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -ErrorAction SilentlyContinue -ErrorVariable e1).Count
      Remove-Item Env:MFA_REMOTE_TRANSPORT, Env:MFA_REMOTE_SSH_PORT, Env:MFA_REMOTE_USER, Env:MFA_REMOTE_KEYFILE
      $p = @{ ComputerName = '127.0.0.1'; LabPath = $V.lab; RemoteTransport = 'SSH'; RemotePort = $V.port; RemoteUserName = $V.user; RemoteKeyFilePath = $V.key }
      $found = @(Get-PhoneFactorComponent @p | ForEach-Object { $_.Component })
      [pscustomobject]@{ Before = $before; BeforeError = [string]$e1[0].FullyQualifiedErrorId; Found = $found }
    } finally { $env:MFA_REMOTE_TRANSPORT = $saved.T; $env:MFA_REMOTE_SSH_PORT = $saved.P; $env:MFA_REMOTE_USER = $saved.U; $env:MFA_REMOTE_KEYFILE = $saved.K }`, sshValues());
  assert.ok(r.ok, r.terminatingError?.message);
  const o = r.output[0] as { Before: number; BeforeError: string; Found: string[] };
  assert.equal(o.Before, 0);
  assert.match(o.BeforeError, /^RemoteUnreachable,/);
  assert.ok(o.Found.includes('Agent'), o.Found.join(', '));
});

test('-Session with -Credential (or -Detection) is refused by parameter binding: the credential was silently ignored before', { skip }, async () => {
  const r = await ps.run(String.raw`
    $cred = New-Object System.Management.Automation.PSCredential('u', (ConvertTo-SecureString 'p' -AsPlainText -Force))
    try { Get-PhoneFactorComponent -Session $global:S1 -Credential $cred -LabPath $V.lab -ErrorAction Stop; 'bound' } catch { $_.FullyQualifiedErrorId }
    try { Test-MfaServerUpgrade -Detection -Session $global:S1 -LabPath $V.lab -ErrorAction Stop; 'bound' } catch { $_.FullyQualifiedErrorId }`, sshValues());
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.output, ['AmbiguousParameterSet,Get-PhoneFactorComponent', 'AmbiguousParameterSet,Test-MfaServerUpgrade']);
});

test('-Session: work goes through the session the admin holds, which stays open and clean afterwards', { skip }, async () => {
  const r = await ps.run('Get-PhoneFactorComponent -Session $global:S1 -LabPath $V.lab | Select-Object ComputerName, Component', sshValues());
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const rows = r.output as { ComputerName: string; Component: string }[];
  assert.ok(rows.length >= 3, 'the far lab components were read');
  assert.ok(rows.every((c) => c.ComputerName === '127.0.0.1'), 'objects name the session\'s computer, so they pipe back to it');

  const after = await ps.run(String.raw`
    [pscustomobject]@{
      State = [string]$global:S1.State
      FarCoreLeft = [bool](Invoke-Command -Session $global:S1 -ScriptBlock { Get-Variable -Name MfaFarCore -Scope Global -ErrorAction SilentlyContinue })
      FarFunctionsLeft = @(Invoke-Command -Session $global:S1 -ScriptBlock { Get-Command -Name Find-MfaNode, Open-MfaCoreOnNode -ErrorAction SilentlyContinue }).Count
      SessionsHere = @(Get-PSSession).Count
    }`);
  assert.ok(after.ok, after.terminatingError?.message);
  assert.deepEqual(after.output[0], { State: 'Opened', FarCoreLeft: false, FarFunctionsLeft: 0, SessionsHere: 1 });
});

test('-Session: a backup of the far lab comes back over the admin\'s session and verifies; objects pipe on with it', { skip }, async () => {
  const r = await ps.run(
    'Backup-PhoneFactor -Session $global:S1 -LabPath $V.lab -Destination $V.dest -Confirm:$false | Test-PhoneFactorBackup',
    { ...sshValues(), dest: path.join(root, 'backups') },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const check = r.output[0] as { IsValid?: boolean; IsVerified?: boolean };
  assert.ok(check.IsValid ?? check.IsVerified, JSON.stringify(check));
  // Piped objects name 127.0.0.1; with -Session given, that name goes through the session (port 1 would refuse).
  const piped = await ps.run('Get-PhoneFactorComponent -Session $global:S1 -LabPath $V.lab | Test-MfaServerUpgrade -Session $global:S1 -ErrorAction Continue | Out-Null', sshValues());
  assert.ok(piped.ok, piped.terminatingError?.message);
  assert.ok(!piped.errors.some((e) => /RemoteUnreachable/.test(e.fullyQualifiedErrorId)), piped.errors.map((e) => e.message).join('; '));
});

test('-Session: a closed session fails its own server with a clear error; the other session\'s server still answers', { skip }, async () => {
  const r = await ps.run(
    `${openSession('S2', '127.0.0.2')}
     Remove-PSSession -Session $global:S2
     Get-PhoneFactorComponent -Session $global:S2, $global:S1 -LabPath $V.lab -ErrorAction Continue | Select-Object ComputerName`,
    sshValues(),
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.errors.length, 1, r.errors.map((e) => e.message).join('; '));
  assert.match(r.errors[0].fullyQualifiedErrorId, /^SessionNotOpen,Get-PhoneFactorComponent$/);
  assert.match(r.errors[0].message, /^\[127\.0\.0\.2\] The session given with -Session for 127\.0\.0\.2 .* is Closed, not Opened/);
  const names = new Set((r.output as { ComputerName: string }[]).map((c) => c.ComputerName));
  assert.deepEqual([...names], ['127.0.0.1']);
});

test('-Session: two sessions to one server are refused before anything runs', { skip }, async () => {
  const r = await ps.run(`${openSession('S3', '127.0.0.1')}
    try { Get-PhoneFactorComponent -Session $global:S1, $global:S3 -LabPath $V.lab -ErrorAction Stop } finally { Remove-PSSession -Session $global:S3 }`, sshValues());
  assert.equal(r.ok, false);
  assert.match(r.terminatingError!.fullyQualifiedErrorId, /^DuplicateSession,/);
  assert.match(r.terminatingError!.message, /Two sessions given to -Session connect to 127\.0\.0\.1/);
});

/**
 * Records what New-PSSession was given (never the password itself: its SHA-256), then opens the session over SSH.
 * Node on the way is wrapped too: everything the core reads on stdin is kept, to show the password never reaches it.
 */
function credentialFakes(): { shim: string; record: string; nodeWrapper: string; coreInput: string } {
  const dir = mkdtempSync(path.join(root, 'fakes-'));
  const record = path.join(dir, 'new-pssession.jsonl');
  const coreInput = path.join(dir, 'core-stdin.log');
  const shim = path.join(dir, 'shim.ps1');
  writeFileSync(shim, String.raw`
function New-PSSession {
    [CmdletBinding()]
    param([string] $ComputerName, [pscredential] $Credential)
    $sha = [System.Security.Cryptography.SHA256]::Create()
    $hash = (($sha.ComputeHash([Text.Encoding]::UTF8.GetBytes($Credential.GetNetworkCredential().Password)) | ForEach-Object { $_.ToString('x2') }) -join '')
    Add-Content -LiteralPath '${record}' -Value (ConvertTo-Json -Compress -InputObject @{ ComputerName = $ComputerName; UserName = $Credential.UserName; PasswordSha256 = $hash })
    Microsoft.PowerShell.Core\New-PSSession -HostName $ComputerName -Port $env:MFA_TEST_SSH_PORT -UserName $env:MFA_REMOTE_USER -KeyFilePath $env:MFA_REMOTE_KEYFILE -Options @{ UserKnownHostsFile = $env:MFA_REMOTE_KNOWN_HOSTS; StrictHostKeyChecking = 'yes'; BatchMode = 'yes' } -ErrorAction Stop
}
`);
  // Node, with everything it reads on stdin appended to coreInput; it ends when the core does.
  const tee = path.join(dir, 'tee-core.cjs');
  writeFileSync(tee, `
const { spawn } = require('node:child_process');
const { appendFileSync } = require('node:fs');
const core = spawn(process.execPath, process.argv.slice(2), { stdio: ['pipe', 'inherit', 'inherit'] });
process.stdin.on('data', (d) => { appendFileSync(${JSON.stringify(coreInput)}, d); core.stdin.write(d); });
process.stdin.on('end', () => core.stdin.end());
core.stdin.on('error', () => {});
core.on('exit', (code) => process.exit(code ?? 1));
`);
  const nodeWrapper = path.join(dir, 'node');
  writeFileSync(nodeWrapper, `#!/bin/sh\nexec '${process.execPath}' '${tee}' "$@"\n`);
  chmodSync(nodeWrapper, 0o755);
  return { shim, record, nodeWrapper, coreInput };
}

/** Every file under a folder that holds the text. */
function filesHolding(dir: string, text: string): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) hits.push(...filesHolding(p, text));
    else if (e.isFile() && statSync(p).size < 64 << 20 && readFileSync(p).includes(text)) hits.push(p);
  }
  return hits;
}

test('-Credential reaches New-PSSession (WinRM) in the admin\'s PowerShell and never the core, disk or output', { skip }, async () => {
  const fakes = credentialFakes();
  const r = await ps.run(
    String.raw`
    $saved = @{ T = $env:MFA_REMOTE_TRANSPORT; S = $env:MFA_TEST_REMOTING_SHIM; N = $env:MFA_NODE }
    $env:MFA_REMOTE_TRANSPORT = 'wsman'; $env:MFA_TEST_REMOTING_SHIM = $V.shim; $env:MFA_TEST_SSH_PORT = $V.port; $env:MFA_NODE = $V.node
    # The session's warm core is started again, on the node that keeps what it reads, and after the test on the usual one.
    & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore }
    try {
        $cred = New-Object System.Management.Automation.PSCredential('CONTOSO\mfaadmin', (ConvertTo-SecureString -String $V.password -AsPlainText -Force))
        Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -Credential $cred -Verbose | Select-Object ComputerName, Component
    } finally { $env:MFA_REMOTE_TRANSPORT = $saved.T; $env:MFA_TEST_REMOTING_SHIM = $saved.S; $env:MFA_NODE = $saved.N; & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore } }`,
    { ...sshValues(), shim: fakes.shim, node: fakes.nodeWrapper, password: PASSWORD },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.ok((r.output as { ComputerName: string }[]).length >= 3 && r.output.every((c) => (c as { ComputerName: string }).ComputerName === '127.0.0.1'));

  const calls = readFileSync(fakes.record, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(calls, [{ ComputerName: '127.0.0.1', UserName: 'CONTOSO\\mfaadmin', PasswordSha256: createHash('sha256').update(PASSWORD).digest('hex') }]);

  const coreSaw = readFileSync(fakes.coreInput, 'utf8');
  assert.match(coreSaw, /"Credential":"CONTOSO\\\\mfaadmin"/, 'the core is told the user name');
  assert.ok(!coreSaw.includes(PASSWORD), 'the password never reaches the core');
  assert.ok(!JSON.stringify(r).includes(PASSWORD), 'nor any output stream');
  assert.deepEqual(filesHolding(root, PASSWORD), [], 'nor any file of the run, here or in the far lab');
  assert.deepEqual(filesHolding(sshd.dir, PASSWORD), [], 'nor the far side');
});

test('-Credential: the next command with the same credential takes the kept session; another credential object never does', { skip }, async () => {
  const fakes = credentialFakes();
  const r = await ps.run(
    String.raw`
    $saved = @{ T = $env:MFA_REMOTE_TRANSPORT; S = $env:MFA_TEST_REMOTING_SHIM; N = $env:MFA_NODE }
    $env:MFA_REMOTE_TRANSPORT = 'wsman'; $env:MFA_TEST_REMOTING_SHIM = $V.shim; $env:MFA_TEST_SSH_PORT = $V.port; $env:MFA_NODE = $V.node
    # The session's warm core is started again, on the node that keeps what it reads, and after the test on the usual one.
    & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore }
    try {
        $cred = New-Object System.Management.Automation.PSCredential('CONTOSO\mfaadmin', (ConvertTo-SecureString -String $V.password -AsPlainText -Force))
        # The same user and password, typed again (Get-Credential gives a new object each time).
        $again = New-Object System.Management.Automation.PSCredential('CONTOSO\mfaadmin', (ConvertTo-SecureString -String $V.password -AsPlainText -Force))
        foreach ($c in @($cred, $cred, $again, $cred)) { @(Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -Credential $c).Count }
    } finally { $env:MFA_REMOTE_TRANSPORT = $saved.T; $env:MFA_TEST_REMOTING_SHIM = $saved.S; $env:MFA_NODE = $saved.N; & (Get-Module MfaServerUpgrade) { Close-MfaWarmCore } }`,
    { ...sshValues(), shim: fakes.shim, node: fakes.nodeWrapper, password: PASSWORD },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  assert.ok(r.output.length === 4 && r.output.every((n) => (n as number) >= 3), JSON.stringify(r.output));
  const calls = readFileSync(fakes.record, 'utf8').trim().split('\n');
  assert.equal(calls.length, 2, 'one session for $cred (kept for its next commands), one for the other credential object');
  assert.ok(!readFileSync(fakes.coreInput, 'utf8').includes(PASSWORD), 'the password never reaches the core');
  assert.deepEqual(filesHolding(root, PASSWORD), [], 'nor any file here');
});

test('-Credential over SSH is refused with what to do instead; nothing is opened', { skip }, async () => {
  const r = await ps.run(
    String.raw`
    $cred = New-Object System.Management.Automation.PSCredential('mfaadmin', (ConvertTo-SecureString -String $V.password -AsPlainText -Force))
    Get-PhoneFactorComponent -ComputerName 127.0.0.1 -LabPath $V.lab -Credential $cred -ErrorAction Continue`,
    { ...sshValues(), password: PASSWORD },
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.output.length, 0);
  assert.equal(r.errors.length, 1);
  assert.match(r.errors[0].fullyQualifiedErrorId, /^CredentialNotSupported,Get-PhoneFactorComponent$/);
  assert.match(r.errors[0].message, /^\[127\.0\.0\.1\] -Credential cannot be used with PowerShell remoting over SSH.*-Session/);
  assert.ok(!JSON.stringify(r).includes(PASSWORD));
});

test('-Session: a separate-web-server upgrade runs end to end through two sessions the admin holds', { skip, timeout: 900_000 }, async () => {
  const sws = path.join(root, 'far-sws');
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SeparateWebServer | Out-Null', { lab: sws });
  assert.ok(made.ok, made.terminatingError?.message);
  const v = { ...sshValues(), mfa: path.join(sws, 'MFA01'), web: path.join(sws, 'WEB01'), backups: path.join(root, 'sws-backups') };
  const r = await ps.run(
    `${openSession('W1', '127.0.0.2')}
     try {
         @([pscustomobject]@{ ComputerName = '127.0.0.1'; LabPath = $V.mfa }, [pscustomobject]@{ ComputerName = '127.0.0.2'; LabPath = $V.web }) |
             Invoke-MfaServerUpgrade -Session $global:S1, $global:W1 -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $V.backups -Confirm:$false
     } finally { Remove-PSSession -Session $global:W1 }`,
    v,
  );
  assert.ok(r.ok, r.terminatingError?.message);
  assert.deepEqual(r.errors.map((e) => e.message), []);
  const result = r.output[0] as { Status: string; ExitCode: number; Steps: { ComputerName: string; Status: string }[] };
  assert.equal(result.Status, 'Completed', JSON.stringify(result).slice(0, 1500));
  assert.equal(result.ExitCode, 0);
  assert.deepEqual([...new Set(result.Steps.map((s) => s.ComputerName))].sort(), ['MFA01', 'WEB01']);

  const check = await ps.run('Test-MfaServerUpgrade -LabPath $V.lab', { lab: sws });
  assert.ok(check.ok, check.terminatingError?.message);
  const verdicts = check.output as { ComputerName: string; IsUpgraded: boolean; Failed: string[] }[];
  assert.deepEqual(verdicts.map((x) => [x.ComputerName, x.IsUpgraded, x.Failed]), [
    ['MFA01', true, []],
    ['WEB01', true, []],
  ]);
  const still = await ps.run('[string]$global:S1.State');
  assert.equal(still.output[0], 'Opened', 'the admin\'s session is still open after the upgrade');
});

test('-Session: when the session the admin gave goes down, the error says so and what to do (not our own settings)', { skip }, async () => {
  sshd.kill(); // every session of the sshd ends: S1 with them
  const r = await ps.run('Get-PhoneFactorComponent -Session $global:S1 -LabPath $V.lab -ErrorAction Continue', sshValues());
  assert.ok(r.ok, r.terminatingError?.message);
  assert.equal(r.output.length, 0);
  assert.equal(r.errors.length, 1, r.errors.map((e) => e.message).join('; '));
  assert.match(r.errors[0].message, /^\[127\.0\.0\.1\] (The session given with -Session for 127\.0\.0\.1 .* is (Broken|Closed)|the session you gave \(Id \d+, [^)]*\) for 127\.0\.0\.1 (does not answer|was lost))/i);
  assert.match(r.errors[0].message, /New-PSSession/);
  assert.doesNotMatch(r.errors[0].message, /port 1\b/, 'the module\'s own remoting settings play no part');
});
