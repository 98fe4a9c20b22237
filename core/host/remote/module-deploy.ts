/**
 * The module a remote server runs: this machine's module folder (manifest, lib/, lab media, bin/), copied to the target
 * when it is missing there or is another build. A build is known by its fingerprint: the tool version plus the SHA-256
 * of everything under lib/ (the core's entry point and whatever it loads), so a rebuilt core with an unchanged version
 * number is still copied.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from '../../util/errors';
import { TOOL_VERSION } from '../../version';

const CORE_FILE = path.join('lib', 'mfa-core.cjs');

/**
 * The module folder on this machine, which is copied to the remote servers and run there. Bundled, the core is
 * <module>/lib/mfa-core.cjs; run from the sources (tests with tsx), it is the built module of the repository. No
 * environment variable may name it: what runs on the servers is the module the admin imported.
 */
function localModuleRoot(): string {
  const candidates = [path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..', '..', 'ps-module', 'MfaServerUpgrade')];
  for (const c of candidates) {
    if (existsSync(path.join(c, CORE_FILE))) return c;
  }
  throw new CoreError(
    'ModuleNotFound',
    `The MfaServerUpgrade module folder (with ${CORE_FILE}) was not found, so it cannot be copied to the remote server. Build it with npm run build.`,
    'ComputerName',
  );
}

export interface ModuleBuild {
  root: string;
  version: string;
  /** SHA-256 over every file under lib/ (see libHash); the far side computes the same after a copy. */
  libSha256: string;
  fingerprint: string;
}

/** Every file under a folder as `relative/path` (forward slashes), in ordinal order. */
function filesUnder(folder: string, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(folder, e.name), `${prefix}${e.name}/`) : e.isFile() ? [`${prefix}${e.name}`] : []))
    .sort();
}

/**
 * One hash for a folder's files: SHA-256 of the lines `<relative path>\t<sha256 of the file>\n` in ordinal path order.
 * The far side computes it the same way in PowerShell (remote-scripts.ts, COPY_MODULE): keep both in step.
 */
export function libHash(libFolder: string): string {
  const lines = filesUnder(libFolder).map((rel) => `${rel}\t${createHash('sha256').update(readFileSync(path.join(libFolder, rel))).digest('hex')}\n`);
  return createHash('sha256').update(lines.join(''), 'utf8').digest('hex');
}

export function localModuleBuild(): ModuleBuild {
  const root = localModuleRoot();
  const libSha256 = libHash(path.join(root, 'lib'));
  return { root, version: TOOL_VERSION, libSha256, fingerprint: `${TOOL_VERSION}+${libSha256.slice(0, 16)}` };
}
