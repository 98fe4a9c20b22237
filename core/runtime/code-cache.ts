/**
 * Where the launcher (core/launcher.ts) keeps V8's code cache of the core bundle, and which cache file it trusts.
 * A code cache is executable content that V8 does not authenticate (it checks a cache against its source by length
 * only), so whoever can write the file can run code as the next caller. It lives in the caller's own per-user cache
 * folder, never in the module folder (a signed module under Program Files is read-only, and a module folder writable
 * by its callers would defeat its signature) and never in a shared temp folder:
 * - Windows: %LOCALAPPDATA%\MfaServerUpgrade\cache (the profile's ACL: the user, SYSTEM and Administrators; SYSTEM
 *   has its own profile under System32\config\systemprofile). Without LOCALAPPDATA: no cache.
 * - elsewhere: $XDG_CACHE_HOME/MfaServerUpgrade (an absolute XDG_CACHE_HOME only, as the XDG spec says), else
 *   ~/.cache/MfaServerUpgrade; made owner-only (0700), files 0600.
 * On POSIX a folder or file that is not the caller's own, or that others can write to, is refused (never read, never
 * written into): someone else's code cache is someone else's code. Windows has no such check here: Node cannot read
 * ACLs, and the profile folder's ACL is what protects it.
 * The file name holds the module version, the bundle's build id (a hash of the bundle) and Node's version and
 * architecture, so two versions or builds never share a cache. Every error is swallowed: a cache only costs or saves speed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** How long a cache file of another build may lie unused before a new cache's writer deletes it. */
const STALE_MS = 30 * 24 * 3600 * 1000;

export interface CacheEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

/** The per-user folder of the code cache, or undefined when the platform gives no per-user place for it. */
export function codeCacheFolder({ platform, env, home }: CacheEnvironment): string | undefined {
  if (platform === 'win32') {
    const local = env.LOCALAPPDATA;
    return local && path.win32.isAbsolute(local) ? path.win32.join(local, 'MfaServerUpgrade', 'cache') : undefined;
  }
  const xdg = env.XDG_CACHE_HOME;
  if (xdg && path.posix.isAbsolute(xdg)) return path.posix.join(xdg, 'MfaServerUpgrade');
  return home && path.posix.isAbsolute(home) ? path.posix.join(home, '.cache', 'MfaServerUpgrade') : undefined;
}

/** The cache file's name for this bundle (version and build from the bundle's first line) and this Node. */
export function codeCacheFileName(version: string, build: string): string {
  const safe = (s: string) => s.replace(/[^0-9A-Za-z.+-]/g, '_');
  return `core-${safe(version)}-${safe(build)}-${process.version}-${process.arch}.bin`;
}

/** The module version and build id the build wrote in the bundle's first line (scripts/build.mjs). */
export function bundleIdentity(source: string): { version: string; build: string } {
  const first = source.slice(0, Math.max(0, source.indexOf('\n')));
  const m = /Build ([0-9a-f]+) of version (\S+)\./.exec(first);
  return { build: m?.[1] ?? 'unknown', version: m?.[2] ?? 'unknown' };
}

/** Whether a file or folder's metadata is the caller's own and writable by nobody else (POSIX; always true on Windows). */
function ownedAndPrivate(stat: fs.Stats): boolean {
  if (process.platform === 'win32' || typeof process.getuid !== 'function') return true;
  return stat.uid === process.getuid() && (stat.mode & 0o022) === 0;
}

/** The folder, if it is a real folder (not a link) of the caller's own that nobody else can write to. */
function trustedFolder(folder: string): boolean {
  try {
    const stat = fs.lstatSync(folder);
    return stat.isDirectory() && ownedAndPrivate(stat);
  } catch {
    return false;
  }
}

/**
 * The cache file's bytes, or undefined when absent or not trusted: the folder and the file must be the caller's own and
 * writable only by the caller. The file is checked through the descriptor it is read from (no swap between check and
 * read) and opened without following a link.
 */
export function readTrustedCache(folder: string, file: string): Buffer | undefined {
  if (!trustedFolder(folder)) return undefined;
  let fd: number | undefined;
  try {
    fd = fs.openSync(path.join(folder, file), fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const stat = fs.fstatSync(fd);
    if (!stat.isFile() || !ownedAndPrivate(stat)) return undefined;
    return fs.readFileSync(fd);
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Marks a cache V8 accepted as in use (its mtime), at most once a day, so no other build's writer takes it for stale. */
export function markCacheUsed(folder: string, file: string): void {
  try {
    const target = path.join(folder, file);
    if (Date.now() - fs.statSync(target).mtimeMs > 24 * 3600 * 1000) fs.utimesSync(target, new Date(), new Date());
  } catch {
    // Only the pruning of old caches looks at it.
  }
}

/**
 * Writes the cache atomically (a private temporary file renamed over the old one) into the folder, made owner-only;
 * a folder that exists but is not the caller's own is left alone. Then deletes cache files of other builds left
 * unused for 30 days (not at once: another installed version may still use its own).
 */
export function writeTrustedCache(folder: string, file: string, data: Buffer): void {
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = fs.lstatSync(folder);
    if (!stat.isDirectory()) return;
    // A folder of our own made before with a looser mode (umask, by hand) is tightened; anybody else's is not used.
    if (process.platform !== 'win32' && typeof process.getuid === 'function' && stat.uid === process.getuid() && (stat.mode & 0o077) !== 0) {
      fs.chmodSync(folder, 0o700);
    }
    if (!trustedFolder(folder)) return;
    const target = path.join(folder, file);
    const temp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temp, data, { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, target);
    const now = Date.now();
    for (const name of fs.readdirSync(folder)) {
      if (name === file || !name.startsWith('core-') || !(name.endsWith('.bin') || name.endsWith('.tmp'))) continue;
      const other = path.join(folder, name);
      if (now - fs.lstatSync(other).mtimeMs > STALE_MS) fs.rmSync(other, { force: true });
    }
  } catch {
    // A cache that cannot be written only costs speed.
  }
}
