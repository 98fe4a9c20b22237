#!/usr/bin/env node
// `npm run package`: the distributable MfaServerUpgrade in dist/ (or --out <dir>):
//   MfaServerUpgrade/                 the module: generated files, core bundle, bin\node.exe (official Node.js build,
//                                     unmodified) with its licence, THIRD-PARTY-NOTICES.txt
//   MfaServerUpgrade-<version>.zip    that folder as a zip (root folder MfaServerUpgrade/)
//   MfaServerUpgrade.<version>.nupkg  for Install-PSResource / Install-Module from an internal repository
//   deploy/                           the ConfigMgr / Intune kit (install and detection scripts, README)
//   help/                             the updatable help: HelpInfo.xml, the help content as .cab and .zip
//                                     (scripts/package-help.mjs), to publish where the manifest's HelpInfoURI points
//   SHA256SUMS.txt                    hashes of the archives and the help files
// Run `npm run build` first (the package script does). The version is package.json's, nowhere else.
// Unsigned unless a certificate is given (scripts/package-sign.mjs): --sign-thumbprint <sha1> (Windows certificate
// store) or --sign-pfx <file> with MFA_SIGN_PFX_PASSWORD or --sign-pfx-password-file <file>; --sign-timestamp-url <url>,
// --sign-ca-file <root.pem> (osslsigncode's check of a private CA's certificate), --kit-execution-policy
// AllSigned|RemoteSigned|Bypass (the kit's command lines; AllSigned when signed, Bypass when not). Each option also
// has an MFA_SIGN_* / MFA_KIT_EXECUTION_POLICY variable.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, copyFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_PACKAGES, nodeForWindows, sha256File } from './package-node.mjs';
import { thirdPartyNotices } from './package-notices.mjs';
import { folderEntries, writeZip } from './package-zip.mjs';
import { readManifest, writeNupkg } from './package-nupkg.mjs';
import { writeUpdatableHelp } from './package-help.mjs';
import { setKitExecutionPolicy, signingOptions, signPackage } from './package-sign.mjs';

const MODULE = 'MfaServerUpgrade';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
function option(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? path.resolve(process.argv[i + 1]) : fallback;
}

const outDir = option('--out', path.join(root, 'dist'));
const cacheDir = option('--cache', path.join(root, 'build', 'node-win'));
const builtModule = path.join(root, 'ps-module', MODULE);
const started = Date.now();
// Read first: a signing option that cannot work stops the run before anything is made.
const signing = signingOptions(process.argv.slice(2), process.env);

// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc cast, which typescript-eslint does not see
const pkg = /** @type {{ version: string, license: string }} */ (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')));
const version = pkg.version;
if (!existsSync(path.join(builtModule, `${MODULE}.psd1`))) throw new Error(`${builtModule} is not built: run npm run build first.`);
if (/-/.test(version)) {
  // The generated manifest has no PSData.Prerelease, so PowerShellGet would install a prerelease as the release.
  throw new Error(`package.json version ${version} is a prerelease: the module manifest cannot express it yet (PSData.Prerelease).`);
}
const builtManifest = readManifest(path.join(builtModule, `${MODULE}.psd1`));
const manifestVersion = builtManifest.moduleVersion;
if (manifestVersion !== version) throw new Error(`The built manifest says ${manifestVersion}, package.json ${version}: run npm run build.`);

// 1. The module folder.
const moduleOut = path.join(outDir, MODULE);
for (const old of [moduleOut, path.join(outDir, 'deploy'), path.join(outDir, 'help')]) rmSync(old, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
cpSync(builtModule, moduleOut, { recursive: true });
const node = nodeForWindows(cacheDir);
mkdirSync(path.join(moduleOut, 'bin'), { recursive: true });
copyFileSync(node.nodeExe, path.join(moduleOut, 'bin', 'node.exe'));
copyFileSync(node.license, path.join(moduleOut, 'bin', 'NODE-LICENSE.txt'));
const notices = thirdPartyNotices({
  root,
  moduleName: MODULE,
  version,
  node: {
    version: node.version,
    sha256: sha256File(node.nodeExe),
    binaryPackage: `${NODE_PACKAGES.binary.name}@${NODE_PACKAGES.binary.version}`,
    licensePackage: `${NODE_PACKAGES.license.name}@${NODE_PACKAGES.license.version}`,
  },
});
writeFileSync(path.join(moduleOut, 'THIRD-PARTY-NOTICES.txt'), notices);
// The module's own licence (MIT, package.json) travels with it.
copyFileSync(path.join(root, 'LICENSE'), path.join(moduleOut, 'LICENSE.txt'));

// 2. The ConfigMgr / Intune kit beside the module: deploy\Install-MfaServerUpgrade.ps1 finds ..\MfaServerUpgrade.
const kitDir = path.join(outDir, 'deploy');
cpSync(path.join(root, 'deploy'), kitDir, { recursive: true });
if (signing.kitExecutionPolicy !== 'Bypass') setKitExecutionPolicy(kitDir, signing.kitExecutionPolicy);

// 3. Signing (opt-in), before the archives are made of the signed files.
let signedNote = 'UNSIGNED (no --sign-thumbprint or --sign-pfx given; see README, "Signing and AllSigned environments")';
if (signing.thumbprint || signing.pfx) {
  const signed = signPackage({ moduleDir: moduleOut, kitDir, moduleName: MODULE, options: signing });
  signedNote = `signed ${signed.files.length} PowerShell files (${signed.tool}), ${signed.note}`;
}

// 4. The archives (compressed in parallel: zlib works on its own threads).
const zipFile = path.join(outDir, `${MODULE}-${version}.zip`);
const nupkgFile = path.join(outDir, `${MODULE}.${version}.nupkg`);
for (const f of [zipFile, nupkgFile]) rmSync(f, { force: true });
const [, , helpFiles] = await Promise.all([
  writeZip(zipFile, folderEntries(moduleOut, `${MODULE}/`)),
  writeNupkg({ moduleDir: moduleOut, outDir, id: MODULE, version, licenseExpression: pkg.license }),
  writeUpdatableHelp({ moduleDir: moduleOut, outDir: path.join(outDir, 'help'), module: MODULE, guid: builtManifest.guid, version,
    helpInfoUri: builtManifest.helpInfoUri }),
]);
const sums = [zipFile, nupkgFile, ...helpFiles].map((f) => `${sha256File(f)}  ${path.relative(outDir, f).split(path.sep).join('/')}`).join('\n') + '\n';
writeFileSync(path.join(outDir, 'SHA256SUMS.txt'), sums);

/** @type {(f: string) => string} */
const mb = (f) => (statSync(f).size / 1048576).toFixed(1) + ' MB';
console.log(`package: ${MODULE} ${version} (Node.js ${node.version}) in ${path.relative(process.cwd(), outDir) || '.'}: ` +
  `${path.basename(zipFile)} ${mb(zipFile)}, ${path.basename(nupkgFile)} ${mb(nupkgFile)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`package: ${signedNote}; the kit's command lines use -ExecutionPolicy ${signing.kitExecutionPolicy}`);
