// The signing step of `npm run package` (opt-in: a package is unsigned unless a certificate is given, and says so).
// What is signed (Authenticode): every PowerShell file of the module (.ps1, .psm1, .psd1, .ps1xml) and the kit's scripts
// (deploy/*.ps1). Not the kit's example parameters file: the admin edits it, and the install script reads it as data
// (Import-PowerShellDataFile), which no execution policy checks. Authenticode cannot cover the core (lib/*.cjs), the
// help or the assets: on Windows a catalog (MfaServerUpgrade.cat, New-FileCatalog -CatalogVersion 2, then signed) holds
// the hash of every file of the module, so Test-FileCatalog (and PowerShellGet at install) checks them all. bin\node.exe
// keeps the Node.js project's own signature (shipped unmodified).
// How:
// - on Windows: Windows PowerShell's Set-AuthenticodeSignature, New-FileCatalog and Test-FileCatalog
//   (scripts/package-sign.ps1), with a certificate from the store by thumbprint or from a PFX file;
// - elsewhere: osslsigncode (Debian package; 2.6 or later signs PowerShell scripts) with a PFX file, each file then checked
//   with `osslsigncode verify`. No catalog: New-FileCatalog exists only on Windows.
// The PFX password comes from MFA_SIGN_PFX_PASSWORD or a file (--sign-pfx-password-file), and reaches the signing tool
// on its standard input: never on a command line, never in the output.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The extensions PowerShell checks a signature on (execution policy) and Set-AuthenticodeSignature signs. */
export const SIGNED_EXTENSIONS = ['.ps1', '.psm1', '.psd1', '.ps1xml'];
export const EXECUTION_POLICIES = ['AllSigned', 'RemoteSigned', 'Bypass'];

/**
 * @typedef {{ thumbprint?: string, pfx?: string, password?: string, timestampUrl?: string, caFile?: string, kitExecutionPolicy: string }} SigningOptions
 */

/**
 * A command-line option's value, or the environment variable's.
 * @param {string[]} argv
 * @param {string} name
 * @param {string | undefined} fromEnv
 * @returns {string | undefined}
 */
function optionValue(argv, name, fromEnv) {
  const i = argv.indexOf(name);
  if (i < 0) return fromEnv || undefined;
  const value = argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value.`);
  return value;
}

/**
 * The signing options of `npm run package` from its command line and environment. Throws on a combination that cannot
 * work, naming the option.
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {SigningOptions}
 */
export function signingOptions(argv, env) {
  if (argv.some((a) => /^--sign-pfx-password(=|$)/.test(a))) {
    throw new Error('--sign-pfx-password: the PFX password is never taken on the command line (it would be in the process list and the shell history): '
      + 'set MFA_SIGN_PFX_PASSWORD or give --sign-pfx-password-file <file>.');
  }
  const thumbprint = optionValue(argv, '--sign-thumbprint', env.MFA_SIGN_THUMBPRINT)?.replace(/\s+/g, '').toUpperCase();
  const pfxOption = optionValue(argv, '--sign-pfx', env.MFA_SIGN_PFX);
  const passwordFile = optionValue(argv, '--sign-pfx-password-file', env.MFA_SIGN_PFX_PASSWORD_FILE);
  const timestampUrl = optionValue(argv, '--sign-timestamp-url', env.MFA_SIGN_TIMESTAMP_URL);
  const caFileOption = optionValue(argv, '--sign-ca-file', env.MFA_SIGN_CA_FILE);
  const policyOption = optionValue(argv, '--kit-execution-policy', env.MFA_KIT_EXECUTION_POLICY);
  if (thumbprint && pfxOption) throw new Error('--sign-thumbprint and --sign-pfx: give one certificate, not both.');
  if (thumbprint && !/^[0-9A-F]{40}$/.test(thumbprint)) {
    throw new Error(`--sign-thumbprint ${thumbprint}: a certificate thumbprint is 40 hexadecimal digits (SHA-1).`);
  }
  if (thumbprint && process.platform !== 'win32') {
    throw new Error('--sign-thumbprint needs the Windows certificate store: run npm run package on Windows, or give the certificate as --sign-pfx <file>.');
  }
  const pfx = pfxOption ? path.resolve(pfxOption) : undefined;
  if (pfx && !existsSync(pfx)) throw new Error(`--sign-pfx ${pfx}: no such file.`);
  /** @type {string | undefined} */
  let password;
  if (pfx) {
    if (passwordFile) {
      if (!existsSync(passwordFile)) throw new Error(`--sign-pfx-password-file ${path.resolve(passwordFile)}: no such file.`);
      password = readFileSync(passwordFile, 'utf8').replace(/\r?\n$/, '');
    } else if (env.MFA_SIGN_PFX_PASSWORD !== undefined) {
      password = env.MFA_SIGN_PFX_PASSWORD;
    } else {
      throw new Error(`--sign-pfx ${pfx}: no password given: set MFA_SIGN_PFX_PASSWORD (empty for a PFX without one) or give --sign-pfx-password-file <file>.`);
    }
  }
  const caFile = caFileOption ? path.resolve(caFileOption) : undefined;
  if (caFile && !existsSync(caFile)) throw new Error(`--sign-ca-file ${caFile}: no such file.`);
  const signing = Boolean(thumbprint || pfx);
  const kitExecutionPolicy = policyOption ?? (signing ? 'AllSigned' : 'Bypass');
  if (!EXECUTION_POLICIES.includes(kitExecutionPolicy)) {
    throw new Error(`--kit-execution-policy ${kitExecutionPolicy}: use one of ${EXECUTION_POLICIES.join(', ')}.`);
  }
  if (kitExecutionPolicy === 'AllSigned' && !signing) {
    throw new Error('--kit-execution-policy AllSigned needs a signed package: give --sign-thumbprint or --sign-pfx.');
  }
  return { thumbprint, pfx, password, timestampUrl, caFile, kitExecutionPolicy };
}

/**
 * The files of a folder, recursively, whose extension is one of `extensions`, sorted.
 * @param {string} dir
 * @param {string[]} extensions
 * @returns {string[]}
 */
export function filesWithExtensions(dir, extensions) {
  /** @type {string[]} */
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...filesWithExtensions(full, extensions));
    else if (extensions.includes(path.extname(e.name).toLowerCase())) out.push(full);
  }
  return out.sort();
}

/**
 * The kit's command lines with the execution policy the package is made for: `powershell.exe ... -ExecutionPolicy
 * Bypass` in its README and script examples becomes AllSigned (a signed package) or RemoteSigned. Done before signing.
 * @param {string} kitDir
 * @param {string} policy
 * @returns {number} how many command lines were rewritten
 */
export function setKitExecutionPolicy(kitDir, policy) {
  let count = 0;
  for (const file of filesWithExtensions(kitDir, ['.md', '.ps1'])) {
    const text = readFileSync(file, 'utf8');
    const rewritten = text.replace(/(powershell\.exe[^\r\n`]*?-ExecutionPolicy )Bypass\b/g, (_, head) => {
      count++;
      return `${head}${policy}`;
    });
    if (rewritten !== text) writeFileSync(file, rewritten);
  }
  return count;
}

/**
 * Runs a signing tool with the password on its standard input; throws with the tool's own output (which never holds
 * the password) when it fails.
 * @param {string} command
 * @param {string[]} args
 * @param {string} input
 * @param {string} what
 */
function run(command, args, input, what) {
  const r = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${what}: ${command} could not be started (${r.error.message}).`);
  if (r.status !== 0) throw new Error(`${what}: ${command} failed (exit code ${r.status}):\n${(r.stderr + r.stdout).trim()}`);
  return r.stdout;
}

/**
 * osslsigncode's verdict on a signed file: ok, or the reason it gives.
 * @param {string} file
 * @param {string | undefined} caFile the root the signing certificate chains to, when not in the system's bundle
 * @returns {{ ok: boolean, output: string }}
 */
export function osslsigncodeVerify(file, caFile) {
  const r = spawnSync('osslsigncode', ['verify', ...(caFile ? ['-CAfile', caFile] : []), '-in', file], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/**
 * Signs each file in place with osslsigncode (a PFX), then verifies it.
 * @param {string[]} files
 * @param {SigningOptions} o
 */
function signWithOsslsigncode(files, o) {
  if (!o.pfx) throw new Error('osslsigncode signs with a PFX file (--sign-pfx).');
  for (const file of files) {
    const temp = `${file}.signing`;
    rmSync(temp, { force: true });
    const args = ['sign', '-pkcs12', o.pfx, '-readpass', '-', '-h', 'sha256', ...(o.timestampUrl ? ['-ts', o.timestampUrl] : []), '-in', file, '-out', temp];
    try {
      run('osslsigncode', args, o.password ?? '', `signing ${file}`);
      renameSync(temp, file);
    } finally {
      rmSync(temp, { force: true });
    }
    const verdict = osslsigncodeVerify(file, o.caFile);
    if (!verdict.ok) {
      const hint = 'a certificate of a private CA needs --sign-ca-file <root.pem>';
      throw new Error(`${file} was signed but does not verify (osslsigncode verify; ${hint}):\n${verdict.output.trim()}`);
    }
  }
}

/**
 * Signs the files and makes the module's signed catalog with Windows PowerShell (scripts/package-sign.ps1).
 * @param {string[]} files
 * @param {string} moduleDir
 * @param {string} catalog
 * @param {SigningOptions} o
 * @returns {{ subject: string, catalogStatus: string }}
 */
function signWithWindowsPowerShell(files, moduleDir, catalog, o) {
  const list = path.join(path.dirname(moduleDir), '.sign-files.txt');
  writeFileSync(list, files.join('\r\n'));
  try {
    const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'package-sign.ps1');
    const args = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-File', script,
      '-ListPath', list, '-ModuleFolder', moduleDir, '-CatalogPath', catalog,
      ...(o.thumbprint ? ['-Thumbprint', o.thumbprint] : ['-PfxPath', o.pfx ?? '']), ...(o.timestampUrl ? ['-TimestampUrl', o.timestampUrl] : [])];
    const out = run('powershell.exe', args, o.password ?? '', 'signing with Set-AuthenticodeSignature');
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- typed by the JSDoc cast, which typescript-eslint does not see
    const result = /** @type {{ Subject: string, CatalogStatus: string }} */ (JSON.parse(out));
    return { subject: result.Subject, catalogStatus: result.CatalogStatus };
  } finally {
    rmSync(list, { force: true });
  }
}

/**
 * The signing step: signs the module's and the kit's PowerShell files in place and, on Windows, writes and signs the
 * module's catalog. Run after the folders are complete and before the archives are made.
 * @param {{ moduleDir: string, kitDir: string, moduleName: string, options: SigningOptions }} a
 * @returns {{ files: string[], tool: string, catalog?: string, note: string }}
 */
export function signPackage({ moduleDir, kitDir, moduleName, options }) {
  const files = [...filesWithExtensions(moduleDir, SIGNED_EXTENSIONS), ...filesWithExtensions(kitDir, ['.ps1'])];
  if (process.platform === 'win32') {
    const catalog = path.join(moduleDir, `${moduleName}.cat`);
    const r = signWithWindowsPowerShell(files, moduleDir, catalog, options);
    const note = `signed by ${r.subject}; catalog ${path.basename(catalog)}: Test-FileCatalog says ${r.catalogStatus}`;
    return { files, tool: 'Set-AuthenticodeSignature', catalog, note };
  }
  signWithOsslsigncode(files, options);
  return { files, tool: 'osslsigncode', note: 'no catalog: New-FileCatalog exists only on Windows (package on Windows for one)' };
}
