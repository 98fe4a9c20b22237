// The module manifest as PowerShellGet and an admin read it (issue 28 item 7): the project and licence addresses come
// from package.json's homepage, the licence they point at is the repository's LICENSE, and the release notes are the
// CHANGELOG.md section of package.json's version, not just the version.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { openModuleSession, modulePath, repoRoot } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string; homepage: string; license: string };
let ps: PowerShellSession;

before(async () => {
  ps = await openModuleSession();
});
after(async () => {
  await ps.close();
});

test('ProjectUri, LicenseUri and ReleaseNotes: the project, its LICENSE and the CHANGELOG section of this version', async () => {
  const r = await ps.run(String.raw`
    $m = Test-ModuleManifest -Path (Join-Path $V.module 'MfaServerUpgrade.psd1') -ErrorAction Stop
    [pscustomobject]@{ ProjectUri = [string]$m.ProjectUri; LicenseUri = [string]$m.LicenseUri; ReleaseNotes = [string]$m.ReleaseNotes }`, { module: modulePath });
  assert.ok(r.ok, r.terminatingError?.message);
  const m = r.output[0] as { ProjectUri: string; LicenseUri: string; ReleaseNotes: string };
  assert.equal(m.ProjectUri, pkg.homepage);
  assert.equal(m.LicenseUri, `${pkg.homepage}/blob/main/LICENSE`);
  assert.ok(existsSync(path.join(repoRoot, 'LICENSE')), 'the LicenseUri names the repository\'s LICENSE');
  assert.match(readFileSync(path.join(repoRoot, 'LICENSE'), 'utf8'), new RegExp(`^${pkg.license} License`));
  const changelog = readFileSync(path.join(repoRoot, 'CHANGELOG.md'), 'utf8').replace(/\r\n/g, '\n');
  const section = changelog.split(`\n## ${pkg.version}\n`)[1]?.split(/^## /m)[0].trim();
  assert.ok(section, `CHANGELOG.md has a section for ${pkg.version}`);
  assert.equal(m.ReleaseNotes.replace(/\r\n/g, '\n'), `MfaServerUpgrade ${pkg.version}\n\n${section}`);
  assert.ok(m.ReleaseNotes.split('\n').length > 5, 'more than the version');
});
