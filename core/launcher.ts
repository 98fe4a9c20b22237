/**
 * lib/mfa-core.cjs, the core's entry point: loads the core bundle (lib/core.cjs) through a V8 code cache.
 * Why: every cmdlet call starts the core once, and compiling the ~0.7 MB bundle was most of its start-up time
 * (bench/README.md has the figures). The cache is written when the process ends, so it also holds the functions that
 * ran (node's built-in compile cache and the v8-compile-cache package only keep the top level, measured: almost no
 * gain here). One file per Node version in the module's own `cache` folder: a code cache is executable content and
 * V8 does not authenticate it, so it must live where only those who can change the module can write (never a shared
 * temp folder; a module under Program Files that the caller cannot write to simply runs without a cache). V8 rejects a
 * stale cache, which is then rewritten. Nothing here may change the core's exit code: every cache error is ignored.
 * The cache file is named after the bundle's build (its first line says which, scripts/build.mjs): V8 checks a cache
 * against its source by length only, so an updated bundle of the same length would otherwise run the old code (seen:
 * a test that changed one 16-character id found the old id still running).
 * MFA_CORE_NO_CACHE=1 turns the cache off.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module from 'node:module';

const corePath = path.join(__dirname, 'core.cjs');
const cacheDir = path.join(__dirname, '..', 'cache');
const source = fs.readFileSync(corePath, 'utf8');
const build = /Build ([0-9a-f]+)\./.exec(source.slice(0, source.indexOf('\n')))?.[1] ?? 'unknown';
const cachePath = path.join(cacheDir, `core-${process.version}-${process.arch}-${build}.bin`);

function readCache(): Buffer | undefined {
  if (process.env.MFA_CORE_NO_CACHE) return undefined;
  try {
    return fs.readFileSync(cachePath);
  } catch {
    return undefined;
  }
}

function saveCacheAtExit(script: vm.Script): void {
  process.once('exit', () => {
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      const temp = `${cachePath}.${process.pid}.tmp`;
      fs.writeFileSync(temp, script.createCachedData());
      fs.renameSync(temp, cachePath);
      // Caches of other builds are dead weight now.
      for (const name of fs.readdirSync(cacheDir)) {
        if (name.startsWith('core-') && name.endsWith('.bin') && path.join(cacheDir, name) !== cachePath) fs.rmSync(path.join(cacheDir, name), { force: true });
      }
    } catch {
      // A cache that cannot be written only costs speed.
    }
  });
}

/** What Module.wrap makes of the bundle: the function Node calls with a CommonJS module's own variables. */
type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

const cached = readCache();
const script = new vm.Script(Module.wrap(source), { filename: corePath, cachedData: cached });
if (!process.env.MFA_CORE_NO_CACHE && (!cached || script.cachedDataRejected)) saveCacheAtExit(script);
const core = new Module(corePath, module);
core.filename = corePath;
(script.runInThisContext() as CommonJsWrapper)(core.exports, Module.createRequire(corePath), core, corePath, __dirname);
