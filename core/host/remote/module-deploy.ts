/**
 * The module a remote server runs: this machine's module folder (manifest, lib/mfa-core.cjs, lab media, bin/), copied
 * to the target when it is missing there or is another build. A build is known by its fingerprint: the tool version
 * plus the SHA-256 of the core bundle, so a rebuilt core with an unchanged version number is still copied.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CoreError } from '../../util/errors';
import { TOOL_VERSION } from '../../version';

const CORE_FILE = path.join('lib', 'mfa-core.cjs');

/**
 * The module folder on this machine. Bundled, the core is <module>/lib/mfa-core.cjs; run from the sources (tests with
 * tsx), it is the built module of the repository. MFA_MODULE_ROOT overrides both.
 */
export function localModuleRoot(env: NodeJS.ProcessEnv = process.env): string {
  const candidates = [env.MFA_MODULE_ROOT, path.resolve(__dirname, '..'), path.resolve(__dirname, '..', '..', '..', 'ps-module', 'MfaServerUpgrade')];
  for (const c of candidates) {
    if (c && existsSync(path.join(c, CORE_FILE))) return c;
  }
  throw new CoreError('ModuleNotFound', `The MfaServerUpgrade module folder (with ${CORE_FILE}) was not found, so it cannot be copied to the remote server. Build it with npm run build or set MFA_MODULE_ROOT.`, 'ComputerName');
}

export interface ModuleBuild {
  root: string;
  version: string;
  coreSha256: string;
  fingerprint: string;
}

export function localModuleBuild(env: NodeJS.ProcessEnv = process.env): ModuleBuild {
  const root = localModuleRoot(env);
  const coreSha256 = createHash('sha256').update(readFileSync(path.join(root, CORE_FILE))).digest('hex');
  return { root, version: TOOL_VERSION, coreSha256, fingerprint: `${TOOL_VERSION}+${coreSha256.slice(0, 16)}` };
}
