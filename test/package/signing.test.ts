// The signing step of `npm run package` (scripts/package-sign.mjs) with a throwaway code-signing certificate made by
// openssl: every PowerShell file of the module and the kit's scripts is signed and verifies with osslsigncode (an
// implementation independent of the one that signed, when packaging on Windows), a changed file no longer verifies, the
// archives hold the signed files, the signed module still imports and runs, and the kit's command lines ask for
// AllSigned. The password reaches the tool through stdin only: never in the output.
// Get-AuthenticodeSignature is measured too: pwsh outside Windows has no such command (nor Set-AuthenticodeSignature,
// New-FileCatalog, Test-FileCatalog), so there the test asserts exactly that; on Windows it checks each signature.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pwshExecutable, repoRoot } from '../helpers/pwsh';
// @ts-expect-error: a plain .mjs build script without type declarations
import { signingOptions, osslsigncodeVerify } from '../../scripts/package-sign.mjs';

const MODULE = 'MfaServerUpgrade';
const PASSWORD = 'Correct-Horse-7f3a9';
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
let tmp: string;
let dist: string;
let cert: string;
let pfx: string;
let passwordFile: string;
let packageOutput: string;

const packageScript = path.join(repoRoot, 'scripts', 'package.mjs');

/** Every PowerShell file the step must have signed: the module's scripts, manifest and format file, the kit's scripts. */
function expectedSigned(): string[] {
  const out: string[] = [];
  const walk = (dir: string, extensions: RegExp) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full, extensions);
      else if (extensions.test(e.name)) out.push(full);
    }
  };
  walk(path.join(dist, MODULE), /\.(ps1|psm1|psd1|ps1xml)$/i);
  walk(path.join(dist, 'deploy'), /\.ps1$/i);
  return out.sort();
}

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mfa-signing-'));
  dist = path.join(tmp, 'dist');
  cert = path.join(tmp, 'signing.pem');
  const key = path.join(tmp, 'signing.key');
  pfx = path.join(tmp, 'signing.pfx');
  passwordFile = path.join(tmp, 'pfx-password.txt');
  writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=MfaServerUpgrade Test Code Signing',
    '-addext', 'extendedKeyUsage=codeSigning', '-addext', 'keyUsage=critical,digitalSignature'], { stdio: 'ignore' });
  execFileSync('openssl', ['pkcs12', '-export', '-inkey', key, '-in', cert, '-out', pfx, '-passout', `file:${passwordFile}`], { stdio: 'ignore' });
  rmSync(key);
  const r = spawnSync(process.execPath, [packageScript, '--out', dist, '--sign-pfx', pfx, '--sign-pfx-password-file', passwordFile, '--sign-ca-file', cert],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, MFA_SIGN_PFX_PASSWORD: undefined } });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  packageOutput = r.stdout + r.stderr;
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

test('the step says it signed, with which tool, and never prints the password', () => {
  const files = expectedSigned();
  assert.ok(files.length >= 6, files.join(', '));
  assert.match(packageOutput, new RegExp(`signed ${files.length} PowerShell files \\((osslsigncode|Set-AuthenticodeSignature)\\)`));
  assert.match(packageOutput, /-ExecutionPolicy AllSigned/);
  assert.ok(!packageOutput.includes(PASSWORD));
  if (process.platform !== 'win32') assert.match(packageOutput, /no catalog: New-FileCatalog exists only on Windows/);
});

test('every PowerShell file of the module and the kit verifies with osslsigncode, signed by the test certificate', () => {
  for (const file of expectedSigned()) {
    const verdict = osslsigncodeVerify(file, cert) as { ok: boolean; output: string };
    assert.ok(verdict.ok, `${file}:\n${verdict.output}`);
    assert.match(verdict.output, /Subject: \/CN=MfaServerUpgrade Test Code Signing/);
    assert.match(verdict.output, /Message digest algorithm\s*: SHA256/);
    assert.match(readFileSync(file, 'utf8'), /SIG # Begin signature block/);
  }
  // The example parameters file is the admin's to edit and read as data: left unsigned, as it is in the repository.
  assert.ok(readFileSync(path.join(dist, 'deploy', 'MfaServerUpgrade.Parameters.psd1')).equals(readFileSync(path.join(repoRoot, 'deploy', 'MfaServerUpgrade.Parameters.psd1'))));
});

test('a signed file changed afterwards no longer verifies', () => {
  const original = path.join(dist, MODULE, `${MODULE}.psm1`);
  const tampered = path.join(tmp, `tampered-${MODULE}.psm1`);
  copyFileSync(original, tampered);
  const text = readFileSync(tampered, 'utf8');
  // One character of the build id the module talks to its core with: the kind of change a tamperer makes.
  writeFileSync(tampered, text.replace(/(\$script:MfaBuildId = ')([0-9a-f])/, (_, head: string, digit: string) => head + (digit === '0' ? '1' : '0')));
  assert.notEqual(readFileSync(tampered, 'utf8'), text, 'the file was changed');
  const verdict = osslsigncodeVerify(tampered, cert) as { ok: boolean; output: string };
  assert.equal(verdict.ok, false);
  assert.match(verdict.output, /MISMATCH/);
  // And a signature checked against the wrong root does not verify either (the chain is checked, not only the hash).
  assert.equal((osslsigncodeVerify(original, undefined) as { ok: boolean }).ok, false, 'self-signed: not trusted by the system bundle');
});

test('Get-AuthenticodeSignature: measured in pwsh (absent outside Windows; on Windows each file is signed by the test certificate)', () => {
  const script = path.join(tmp, 'authenticode.ps1');
  writeFileSync(script, String.raw`
    $commands = @('Get-AuthenticodeSignature', 'Set-AuthenticodeSignature', 'New-FileCatalog', 'Test-FileCatalog') | Where-Object { Get-Command $_ -ErrorAction SilentlyContinue }
    $signatures = @()
    if ($commands -contains 'Get-AuthenticodeSignature') {
      $signatures = @($env:FILES -split [IO.Path]::PathSeparator | ForEach-Object { $s = Get-AuthenticodeSignature -LiteralPath $_; [pscustomobject]@{ File = $_; Status = [string]$s.Status; Signer = $s.SignerCertificate.Subject } })
    }
    ConvertTo-Json -Depth 3 -InputObject ([pscustomobject]@{ Commands = @($commands); Signatures = $signatures })`);
  const files = expectedSigned();
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], { encoding: 'utf8', env: { ...process.env, FILES: files.join(path.delimiter) } });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout) as { Commands: string[]; Signatures: { File: string; Status: string; Signer: string }[] };
  if (process.platform !== 'win32') {
    assert.deepEqual(got.Commands, [], 'pwsh on Linux and macOS has none of the Authenticode and catalog cmdlets');
    return;
  }
  assert.equal(got.Signatures.length, files.length);
  for (const s of got.Signatures) {
    // The test root is not trusted by this machine: Windows says UnknownError for the chain, never HashMismatch.
    assert.ok(s.Status === 'Valid' || s.Status === 'UnknownError', `${s.File}: ${s.Status}`);
    assert.match(s.Signer, /CN=MfaServerUpgrade Test Code Signing/);
  }
});

test('the archives are made of the signed files', () => {
  const zip = path.join(dist, `${MODULE}-${version}.zip`);
  const nupkg = path.join(dist, `${MODULE}.${version}.nupkg`);
  for (const name of [`${MODULE}.psd1`, `${MODULE}.psm1`, `${MODULE}.format.ps1xml`]) {
    const signed = readFileSync(path.join(dist, MODULE, name));
    assert.ok(execFileSync('unzip', ['-p', zip, `${MODULE}/${name}`], { maxBuffer: 64 * 1024 * 1024 }).equals(signed), `zip: ${name}`);
    assert.ok(execFileSync('unzip', ['-p', nupkg, name], { maxBuffer: 64 * 1024 * 1024 }).equals(signed), `nupkg: ${name}`);
  }
});

test('the signed module imports in pwsh (manifest, module and format file with their signature blocks) and runs a cmdlet', () => {
  const config = path.join(tmp, 'web.config');
  writeFileSync(config, '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key="A" value="1" />\r\n  </appSettings>\r\n</configuration>\r\n');
  const script = path.join(tmp, 'import.ps1');
  writeFileSync(script, String.raw`
    $ErrorActionPreference = 'Stop'
    Import-Module (Join-Path $env:MODULE_DIR 'MfaServerUpgrade.psd1')
    $r = Merge-MfaWebConfig -Path $env:CONFIG -ReferencePath $env:CONFIG -Confirm:$false
    ConvertTo-Json -InputObject ([pscustomobject]@{ Version = [string](Get-Module MfaServerUpgrade).Version; Results = @($r).Count })`);
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], {
    encoding: 'utf8', cwd: tmp, env: { ...process.env, MODULE_DIR: path.join(dist, MODULE), CONFIG: config, XDG_CACHE_HOME: path.join(tmp, 'cache'), MFA_NODE: process.execPath },
  });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.deepEqual(JSON.parse(r.stdout), { Version: version, Results: 1 });
});

test('the kit\'s command lines ask for AllSigned; the install script\'s relaunch passes on its own policy', () => {
  const readme = readFileSync(path.join(dist, 'deploy', 'README.md'), 'utf8');
  const lines = readme.split('\n').filter((l) => /powershell\.exe .*-ExecutionPolicy/.test(l));
  assert.ok(lines.length >= 3, lines.join('\n'));
  for (const l of lines) assert.match(l, /-ExecutionPolicy AllSigned/, l);
  const install = readFileSync(path.join(dist, 'deploy', 'Install-MfaServerUpgrade.ps1'), 'utf8');
  assert.match(install, /powershell\.exe -NoProfile -ExecutionPolicy AllSigned -File/);
  assert.doesNotMatch(install, /'-ExecutionPolicy', 'Bypass'/);
});

test('signing options: a password on the command line, a thumbprint without the Windows store, a PFX without a password are refused', () => {
  const env = { MFA_SIGN_PFX_PASSWORD: undefined };
  assert.throws(() => signingOptions(['--sign-pfx', pfx, '--sign-pfx-password', 'hunter2'], env), (e: Error) => /never taken on the command line/.test(e.message) && !e.message.includes('hunter2'));
  assert.throws(() => signingOptions(['--sign-pfx-password=hunter2'], env), (e: Error) => !e.message.includes('hunter2'));
  assert.throws(() => signingOptions(['--sign-pfx', pfx], env), /no password given: set MFA_SIGN_PFX_PASSWORD/);
  assert.throws(() => signingOptions(['--sign-thumbprint', 'abc'], env), /40 hexadecimal digits/);
  if (process.platform !== 'win32') assert.throws(() => signingOptions(['--sign-thumbprint', 'A'.repeat(40)], env), /needs the Windows certificate store/);
  assert.throws(() => signingOptions(['--kit-execution-policy', 'AllSigned'], env), /needs a signed package/);
  assert.throws(() => signingOptions(['--kit-execution-policy', 'Unrestricted'], env), /use one of AllSigned, RemoteSigned, Bypass/);
  assert.deepEqual(signingOptions([], env), { thumbprint: undefined, pfx: undefined, password: undefined, timestampUrl: undefined, caFile: undefined, kitExecutionPolicy: 'Bypass' });
  assert.equal((signingOptions(['--sign-pfx', pfx], { MFA_SIGN_PFX_PASSWORD: PASSWORD }) as { password: string }).password, PASSWORD);
  assert.equal((signingOptions(['--sign-pfx', pfx, '--sign-pfx-password-file', passwordFile], env) as { password: string }).password, PASSWORD, 'one trailing newline dropped');
});

test('a wrong PFX password stops the package with the tool\'s reason and without the password', () => {
  const wrong = path.join(tmp, 'wrong-password.txt');
  writeFileSync(wrong, 'Not-The-Password-42');
  const r = spawnSync(process.execPath, [packageScript, '--out', path.join(tmp, 'dist-wrong'), '--sign-pfx', pfx, '--sign-pfx-password-file', wrong],
    { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, MFA_SIGN_PFX_PASSWORD: undefined } });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /Wrong password|mac verify failure|password/i);
  assert.ok(!(r.stdout + r.stderr).includes('Not-The-Password-42'));
  assert.ok(!(r.stdout + r.stderr).includes(PASSWORD));
});
