// The launcher's V8 code cache (core/launcher.ts, core/runtime/code-cache.ts) through the bundled entry point: it lives
// in the caller's per-user cache folder, owner-only, keyed by version and build, and a cache file someone else could
// have written is never run. A planted cache is real code: the tests first show that a trusted one does run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corePath } from '../../helpers/contracts';
import { bundleIdentity, codeCacheFolder } from '../../../core/runtime/code-cache';

const PLANTED_ID = 'feedfacefeedface';

interface Scene {
  dir: string;
  cacheHome: string;
  /** The module's lib folder as built. */
  lib: string;
  /** The build id the bundle states (and its cache file is named after). */
  build: string;
  version: () => string;
  cacheFolder: string;
  cacheFiles: () => string[];
}

function scene(): Scene {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-code-cache-'));
  const cacheHome = path.join(dir, 'xdg-cache');
  const lib = path.join(dir, 'module', 'lib');
  cpSync(path.dirname(corePath), lib, { recursive: true });
  const { build } = bundleIdentity(readFileSync(path.join(lib, 'core.cjs'), 'utf8'));
  const cacheFolder = path.join(cacheHome, 'MfaServerUpgrade');
  const version = () => {
    const out = execFileSync(process.execPath, [path.join(lib, 'mfa-core.cjs'), '--version'], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: cacheHome } });
    return (JSON.parse(out) as { buildId: string }).buildId;
  };
  return { dir, cacheHome, lib, build, version, cacheFolder, cacheFiles: () => (existsSync(cacheFolder) ? readdirSync(cacheFolder) : []) };
}

/**
 * Plants a code cache under the bundle's own cache name that holds other code: a bundle of the same length whose build
 * id in the code (not in its first line, which names the cache) says PLANTED_ID, run once so V8 caches it.
 */
function plantCache(s: Scene): string {
  // A cache of the real bundle would be accepted for the planted one too (same length) and kept: start from none.
  rmSync(s.cacheFolder, { recursive: true, force: true });
  const planted = path.join(s.dir, 'planted', 'lib');
  cpSync(s.lib, planted, { recursive: true });
  const bundle = readFileSync(path.join(planted, 'core.cjs'), 'utf8');
  const newline = bundle.indexOf('\n');
  writeFileSync(path.join(planted, 'core.cjs'), bundle.slice(0, newline) + bundle.slice(newline).split(s.build).join(PLANTED_ID));
  execFileSync(process.execPath, [path.join(planted, 'mfa-core.cjs'), '--version'], { env: { ...process.env, XDG_CACHE_HOME: s.cacheHome } });
  const files = s.cacheFiles();
  assert.equal(files.length, 1, files.join(', '));
  return path.join(s.cacheFolder, files[0]);
}

test('the cache goes to $XDG_CACHE_HOME/MfaServerUpgrade, owner-only, named by version and build; nothing is written beside lib', () => {
  const s = scene();
  try {
    assert.equal(s.version(), s.build);
    assert.deepEqual(readdirSync(path.dirname(s.lib)), ['lib'], 'the module folder holds only what was copied');
    const files = s.cacheFiles();
    assert.equal(files.length, 1);
    assert.match(files[0], new RegExp(`^core-\\d+\\.\\d+\\.\\d+-${s.build}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.bin$`));
    assert.equal(statSync(s.cacheFolder).mode & 0o777, 0o700);
    assert.equal(statSync(path.join(s.cacheFolder, files[0])).mode & 0o777, 0o600);
    // A second start uses it: V8 accepted it, so the launcher did not write it again.
    const before = statSync(path.join(s.cacheFolder, files[0]));
    assert.equal(s.version(), s.build);
    const after = statSync(path.join(s.cacheFolder, files[0]));
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('a planted cache of the caller\'s own runs (the threat is real); writable by others, it is refused and replaced', () => {
  const s = scene();
  try {
    const file = plantCache(s);
    assert.equal(s.version(), PLANTED_ID, 'V8 runs the code of a cache it accepts: a cache file is code');
    plantCache(s);
    chmodSync(file, 0o666);
    assert.equal(s.version(), s.build, 'a cache file others can write is not run');
    assert.equal(statSync(file).mode & 0o777, 0o600, 'it was replaced by a private one');
    assert.equal(s.version(), s.build);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('a cache file or folder owned by another user, or a folder others can write to, is not used', { skip: process.getuid?.() !== 0 && 'chown needs root' }, () => {
  const s = scene();
  try {
    const file = plantCache(s);
    chownSync(file, 65534, 65534);
    assert.equal(s.version(), s.build, 'a cache file of another user is not run');
    assert.equal(statSync(file).uid, process.getuid!(), 'it was replaced by one of the caller');

    plantCache(s);
    chownSync(s.cacheFolder, 65534, 65534);
    assert.equal(s.version(), s.build, 'nothing is read from a folder of another user');
    assert.equal(statSync(s.cacheFolder).uid, 65534, 'nor is anything written into it');

    chownSync(s.cacheFolder, process.getuid!(), process.getgid!());
    plantCache(s);
    chmodSync(s.cacheFolder, 0o777);
    assert.equal(s.version(), s.build, 'nothing is read from a folder others can write to');
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('a folder of the caller\'s own with a loose mode (made by hand) is tightened to 0700 when the cache is written', () => {
  const s = scene();
  try {
    mkdirSync(s.cacheFolder, { recursive: true });
    chmodSync(s.cacheFolder, 0o755);
    assert.equal(s.version(), s.build);
    assert.equal(statSync(s.cacheFolder).mode & 0o777, 0o700);
    assert.equal(s.cacheFiles().length, 1);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('a new cache deletes caches of other builds unused for 30 days, keeps recent ones; a cache in use stays fresh', () => {
  const s = scene();
  try {
    mkdirSync(s.cacheFolder, { recursive: true, mode: 0o700 });
    const days = (n: number) => new Date(Date.now() - n * 24 * 3600 * 1000);
    const stale = path.join(s.cacheFolder, 'core-0.0.9-0123456789abcdef-v20.0.0-x64.bin');
    const recent = path.join(s.cacheFolder, 'core-0.0.8-fedcba9876543210-v20.0.0-x64.bin');
    const strandedTemp = path.join(s.cacheFolder, 'core-0.0.9-0123456789abcdef-v20.0.0-x64.bin.4242.tmp');
    const notOurs = path.join(s.cacheFolder, 'notes.txt');
    for (const f of [stale, recent, strandedTemp, notOurs]) writeFileSync(f, 'x', { mode: 0o600 });
    for (const f of [stale, strandedTemp, notOurs]) utimesSync(f, days(31), days(31));
    utimesSync(recent, days(29), days(29));
    assert.equal(s.version(), s.build);
    const own = s.cacheFiles().find((f) => f.includes(s.build))!;
    assert.deepEqual(s.cacheFiles().sort(), [path.basename(recent), own, path.basename(notOurs)].sort());

    // A cache V8 accepts is not rewritten, but its date is kept recent, so another build's writer never takes it for stale.
    const ownFile = path.join(s.cacheFolder, own);
    utimesSync(ownFile, days(2), days(2));
    const before = statSync(ownFile);
    assert.equal(s.version(), s.build);
    const after = statSync(ownFile);
    assert.equal(after.ino, before.ino, 'used, not rewritten');
    assert.ok(Date.now() - after.mtimeMs < 24 * 3600 * 1000, 'marked as used');
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('MFA_CORE_NO_CACHE=1 writes no cache anywhere', () => {
  const s = scene();
  try {
    execFileSync(process.execPath, [path.join(s.lib, 'mfa-core.cjs'), '--version'], { env: { ...process.env, XDG_CACHE_HOME: s.cacheHome, MFA_CORE_NO_CACHE: '1' } });
    assert.equal(existsSync(s.cacheHome), false);
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('where the cache folder is on each platform', () => {
  assert.equal(codeCacheFolder({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local' }, home: 'C:\\Users\\ann' }),
    'C:\\Users\\ann\\AppData\\Local\\MfaServerUpgrade\\cache');
  assert.equal(codeCacheFolder({ platform: 'win32', env: { LOCALAPPDATA: 'C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local' }, home: '' }),
    'C:\\Windows\\system32\\config\\systemprofile\\AppData\\Local\\MfaServerUpgrade\\cache', 'SYSTEM: its own protected profile');
  assert.equal(codeCacheFolder({ platform: 'win32', env: {}, home: 'C:\\Users\\ann' }), undefined, 'no LOCALAPPDATA: no cache, no guess');
  assert.equal(codeCacheFolder({ platform: 'win32', env: { LOCALAPPDATA: 'relative\\dir' }, home: '' }), undefined);
  assert.equal(codeCacheFolder({ platform: 'linux', env: { XDG_CACHE_HOME: '/var/cache/ann' }, home: '/home/ann' }), '/var/cache/ann/MfaServerUpgrade');
  assert.equal(codeCacheFolder({ platform: 'linux', env: { XDG_CACHE_HOME: 'relative' }, home: '/home/ann' }), '/home/ann/.cache/MfaServerUpgrade',
    'a relative XDG_CACHE_HOME is ignored, as the XDG spec says');
  assert.equal(codeCacheFolder({ platform: 'darwin', env: {}, home: '/Users/ann' }), '/Users/ann/.cache/MfaServerUpgrade');
  assert.equal(codeCacheFolder({ platform: 'linux', env: {}, home: '' }), undefined);
});
