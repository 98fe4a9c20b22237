/**
 * lib/mfa-core.cjs, the core's entry point: loads the core bundle (lib/core.cjs) through a V8 code cache.
 * Why: every cmdlet call starts the core once, and compiling the ~0.7 MB bundle was most of its start-up time
 * (bench/README.md has the figures). The cache is written when the process ends, so it also holds the functions that
 * ran (node's built-in compile cache and the v8-compile-cache package only keep the top level, measured: almost no
 * gain here). It lives in the caller's per-user cache folder, never in the module folder (which may be signed and
 * read-only) nor in a shared temp folder: a code cache is executable content that V8 does not authenticate
 * (core/runtime/code-cache.ts says where, and which files it trusts). V8 rejects a stale cache, which is then
 * rewritten. Nothing here may change the core's exit code: every cache error is ignored.
 * The cache file is named after the bundle's version and build (its first line says which, scripts/build.mjs): V8
 * checks a cache against its source by length only, so an updated bundle of the same length would otherwise run the
 * old code (seen: a test that changed one 16-character id found the old id still running).
 * MFA_CORE_NO_CACHE=1 turns the cache off.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import Module from 'node:module';
import { bundleIdentity, codeCacheFileName, codeCacheFolder, markCacheUsed, readTrustedCache, writeTrustedCache } from './runtime/code-cache';

const corePath = path.join(__dirname, 'core.cjs');
const source = fs.readFileSync(corePath, 'utf8');
const identity = bundleIdentity(source);
/** The per-user cache folder (os.homedir throws when the account has no home at all: then no cache). */
function cacheFolderOfCaller(): string | undefined {
  if (process.env.MFA_CORE_NO_CACHE) return undefined;
  try {
    return codeCacheFolder({ platform: process.platform, env: process.env, home: os.homedir() });
  } catch {
    return undefined;
  }
}

const cacheFolder = cacheFolderOfCaller();
const cacheFile = codeCacheFileName(identity.version, identity.build);

/** What Module.wrap makes of the bundle: the function Node calls with a CommonJS module's own variables. */
type CommonJsWrapper = (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;

const cached = cacheFolder ? readTrustedCache(cacheFolder, cacheFile) : undefined;
const script = new vm.Script(Module.wrap(source), { filename: corePath, cachedData: cached });
if (cacheFolder) {
  const folder = cacheFolder;
  if (cached && !script.cachedDataRejected) markCacheUsed(folder, cacheFile);
  else process.once('exit', () => writeTrustedCache(folder, cacheFile, script.createCachedData()));
}
const core = new Module(corePath, module);
core.filename = corePath;
(script.runInThisContext() as CommonJsWrapper)(core.exports, Module.createRequire(corePath), core, corePath, __dirname);
