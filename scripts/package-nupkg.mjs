// The .nupkg that PowerShellGet / PSResourceGet install from an internal repository (a NuGet feed or a plain folder).
// A .nupkg is an OPC zip: <id>.nuspec at the root, the module's files at the root (that is how Publish-PSResource lays
// out a module), [Content_Types].xml, _rels/.rels and a core-properties part. Metadata comes from the generated module
// manifest, so the manifest stays the one description of the module.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { folderEntries, writeZip } from './package-zip.mjs';

/** @type {(s: string) => string} */
const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Single-quoted values and @('...') lists of a generated manifest (the generator writes one key per line).
 * @param {string} psd1File
 */
export function readManifest(psd1File) {
  const text = readFileSync(psd1File, 'utf8').replace(/^\uFEFF/, '');
  /** @type {(key: string) => string} */
  const value = (key) => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*'((?:[^']|'')*)'`, 'm').exec(text);
    if (!m) throw new Error(`${psd1File}: no ${key} = '...'`);
    return m[1].replace(/''/g, "'");
  };
  /** @type {(key: string) => string[]} */
  const list = (key) => {
    const m = new RegExp(`^\\s*${key}\\s*=\\s*@\\(([^)]*)\\)`, 'm').exec(text);
    if (!m) throw new Error(`${psd1File}: no ${key} = @(...)`);
    return [...m[1].matchAll(/'((?:[^']|'')*)'/g)].map((x) => x[1].replace(/''/g, "'"));
  };
  return {
    moduleVersion: value('ModuleVersion'),
    guid: value('GUID'),
    helpInfoUri: value('HelpInfoURI'),
    author: value('Author'),
    copyright: value('Copyright'),
    description: value('Description'),
    functions: list('FunctionsToExport'),
    editions: list('CompatiblePSEditions'),
    tags: list('Tags'),
    licenseUri: value('LicenseUri'),
    projectUri: value('ProjectUri'),
    releaseNotes: value('ReleaseNotes'),
  };
}

/** @typedef {ReturnType<typeof readManifest>} Manifest */

/**
 * The tags PSResourceGet reads to know a package is a module and what it exports (as Publish-PSResource writes them).
 * @param {Manifest} manifest
 */
export function galleryTags(manifest) {
  return [
    'PSModule',
    ...manifest.editions.map((e) => `PSEdition_${e}`),
    ...manifest.tags,
    ...manifest.functions.map((f) => `PSFunction_${f}`),
    ...manifest.functions.map((f) => `PSCommand_${f}`),
    'PSIncludes_Function',
  ];
}

const NODE_NOTE = 'Carries node.exe of Node.js (see bin/NODE-LICENSE.txt and THIRD-PARTY-NOTICES.txt).';

/** @param {{ id: string, version: string, manifest: Manifest, licenseExpression: string }} options */
export function nuspec({ id, version, manifest, licenseExpression }) {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">',
    '  <metadata>',
    `    <id>${xml(id)}</id>`,
    `    <version>${xml(version)}</version>`,
    `    <authors>${xml(manifest.author)}</authors>`,
    `    <owners>${xml(manifest.author)}</owners>`,
    '    <requireLicenseAcceptance>false</requireLicenseAcceptance>',
    `    <license type="expression">${xml(licenseExpression)}</license>`,
    `    <description>${xml(manifest.description)}</description>`,
    `    <projectUrl>${xml(manifest.projectUri)}</projectUrl>`,
    // The manifest's notes (CHANGELOG.md's section of this version), and what the package carries besides the module.
    `    <releaseNotes>${xml(`${manifest.releaseNotes}\r\n\r\n${NODE_NOTE}`)}</releaseNotes>`,
    `    <copyright>${xml(manifest.copyright)}</copyright>`,
    `    <tags>${xml(galleryTags(manifest).join(' '))}</tags>`,
    '  </metadata>',
    '</package>',
    '',
  ].join('\r\n');
}

/** @param {string[]} names */
function contentTypes(names) {
  const exts = [...new Set(names.map((n) => path.posix.extname(n).slice(1).toLowerCase()).filter(Boolean))].sort();
  /** @type {Record<string, string>} */
  const special = { rels: 'application/vnd.openxmlformats-package.relationships+xml', psmdcp: 'application/vnd.openxmlformats-package.core-properties+xml' };
  const defaults = exts.map((e) => `<Default Extension="${xml(e)}" ContentType="${special[e] ?? 'application/octet'}" />`);
  return `<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults.join('')}</Types>`;
}

/**
 * @param {string} id
 * @param {string} corePropsName
 * @param {string} seed
 */
function relationships(id, corePropsName, seed) {
  /** @type {(what: string) => string} */
  const rid = (what) => 'R' + createHash('sha256').update(seed + what).digest('hex').slice(0, 16).toUpperCase();
  return (
    '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
    `<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/${xml(id)}.nuspec" Id="${rid('nuspec')}" />` +
    `<Relationship Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="/${corePropsName}" ` +
    `Id="${rid('core')}" />` +
    '</Relationships>'
  );
}

/** @param {{ id: string, version: string, manifest: Manifest }} options */
function coreProperties({ id, version, manifest }) {
  return (
    '<?xml version="1.0" encoding="utf-8"?><coreProperties xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ' +
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.openxmlformats.org/package/2006/metadata/core-properties">' +
    `<dc:creator>${xml(manifest.author)}</dc:creator><dc:description>${xml(manifest.description)}</dc:description>` +
    `<dc:identifier>${xml(id)}</dc:identifier><version>${xml(version)}</version><keywords>${xml(galleryTags(manifest).join(' '))}</keywords>` +
    '<lastModifiedBy>scripts/package.mjs</lastModifiedBy></coreProperties>'
  );
}

/**
 * Writes `<outDir>/<id>.<version>.nupkg` from the module folder. Entry names must need no URI escaping: OPC stores
 * part names escaped, and a name that would differ once escaped is refused rather than guessed at.
 * @param {{ moduleDir: string, outDir: string, id: string, version: string, licenseExpression: string }} options
 */
export async function writeNupkg({ moduleDir, outDir, id, version, licenseExpression }) {
  const manifest = readManifest(path.join(moduleDir, `${id}.psd1`));
  const files = folderEntries(moduleDir);
  const bad = files.filter((f) => !/^[A-Za-z0-9._/-]+$/.test(f.name)).map((f) => f.name);
  if (bad.length) throw new Error(`Module file names that a .nupkg would have to escape: ${bad.join(', ')}`);
  const seed = `${id}@${version}`;
  const corePropsName = `package/services/metadata/core-properties/${createHash('sha256').update(seed).digest('hex').slice(0, 32)}.psmdcp`;
  const meta = [
    { name: `${id}.nuspec`, data: nuspec({ id, version, manifest, licenseExpression }) },
    { name: '_rels/.rels', data: relationships(id, corePropsName, seed) },
    { name: corePropsName, data: coreProperties({ id, version, manifest }) },
  ];
  const names = [...meta, ...files].map((e) => e.name);
  const entries = [{ name: '[Content_Types].xml', data: contentTypes(names) }, ...meta, ...files];
  return writeZip(path.join(outDir, `${id}.${version}.nupkg`), entries);
}
