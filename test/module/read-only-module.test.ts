// A module folder nobody may write to (signed, under Program Files) works: the core's code cache goes to the caller's
// own cache folder, never into the module. Real pwsh, two PowerShell processes: the first call compiles the core and
// writes the cache (cold), the second runs from it (warm).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modulePath, pwshExecutable } from '../helpers/pwsh';

/** Every file and folder under root with its size and modification time: what a write would change. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      const st = statSync(full);
      out[path.relative(root, full)] = `${e.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`;
      if (e.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

test('a read-only module folder: a cmdlet runs twice, the cache is written once in the per-user folder and used, the module is untouched', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-readonly-'));
  const moduleCopy = path.join(dir, 'Modules', 'MfaServerUpgrade');
  const cacheHome = path.join(dir, 'xdg-cache');
  try {
    cpSync(modulePath, moduleCopy, { recursive: true });
    execFileSync('chmod', ['-R', 'a-w', moduleCopy]);
    const before = snapshot(moduleCopy);
    const config = path.join(dir, 'web.config');
    writeFileSync(config, '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n    <add key="A" value="1" />\r\n  </appSettings>\r\n</configuration>\r\n');
    const script = path.join(dir, 'run.ps1');
    // Remove-Module ends the session's warm core and waits for it (its cache is written as it exits).
    writeFileSync(script, [
      '$ErrorActionPreference = "Stop"',
      `Import-Module '${path.join(moduleCopy, 'MfaServerUpgrade.psd1').replace(/'/g, "''")}'`,
      `$r = Merge-MfaWebConfig -Path '${config.replace(/'/g, "''")}' -ReferencePath '${config.replace(/'/g, "''")}' -Confirm:$false`,
      'Remove-Module MfaServerUpgrade',
      "if ($null -eq $r) { throw 'no result' }",
      "'done'",
    ].join('\n'));
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
    const run = () => {
      const r = spawnSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', '-File', script], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 0, `pwsh failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
      assert.equal(r.stdout.trim(), 'done');
    };

    run();
    const cacheFolder = path.join(cacheHome, 'MfaServerUpgrade');
    const cold = readdirSync(cacheFolder);
    assert.equal(cold.length, 1, `one cache file after the cold call: ${cold.join(', ')}`);
    assert.match(cold[0], /^core-\d+\.\d+\.\d+-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.bin$/);
    const written = statSync(path.join(cacheFolder, cold[0]));

    run();
    assert.deepEqual(readdirSync(cacheFolder), cold);
    const warm = statSync(path.join(cacheFolder, cold[0]));
    // The launcher rewrites a cache V8 rejects; the same file, unchanged, means the warm call ran from it.
    assert.equal(warm.ino, written.ino, 'the cache was used, not rewritten');
    assert.equal(warm.mtimeMs, written.mtimeMs);
    assert.deepEqual(snapshot(moduleCopy), before, 'nothing was written in the module folder');
  } finally {
    execFileSync('chmod', ['-R', 'u+w', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});
