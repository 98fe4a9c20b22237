// The updatable help (Update-Help / Save-Help), written by `npm run package` into dist/help/ from the module's own
// en-US folder (the MAML and about_ topics the build generated from the contracts):
//   MfaServerUpgrade_<GUID>_HelpInfo.xml              which cultures and versions there are, and where (HelpContentURI)
//   MfaServerUpgrade_<GUID>_en-US_HelpContent.cab     the help files, for Windows (Windows PowerShell 5.1, PowerShell 7)
//   MfaServerUpgrade_<GUID>_en-US_HelpContent.zip     the same files, for PowerShell 7 on Linux and macOS
// Publish the folder's files where the manifest's HelpInfoURI points (the assets of a release: see README).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { writeCab } from './package-cab.mjs';
import { writeZip } from './package-zip.mjs';

const NAMESPACE = 'http://schemas.microsoft.com/powershell/help/2010/05';

/**
 * @param {{ moduleDir: string, outDir: string, module: string, guid: string, version: string, helpInfoUri: string }} o
 * @returns {Promise<string[]>} the files written
 */
export async function writeUpdatableHelp({ moduleDir, outDir, module, guid, version, helpInfoUri }) {
  const culture = 'en-US';
  const source = path.join(moduleDir, culture);
  const files = readdirSync(source).filter((f) => /\.(xml|txt)$/i.test(f)).sort().map((name) => ({ name, file: path.join(source, name) }));
  if (!files.some((f) => f.name.endsWith('-help.xml'))) throw new Error(`${source} holds no MAML help: run npm run build`);
  mkdirSync(outDir, { recursive: true });
  const base = `${module}_${guid}`;
  const cab = writeCab(path.join(outDir, `${base}_${culture}_HelpContent.cab`), files);
  const zip = await writeZip(path.join(outDir, `${base}_${culture}_HelpContent.zip`), files);
  // UICultureVersion has four parts; Update-Help installs only content newer than what it installed before.
  const parts = version.split('.');
  while (parts.length < 4) parts.push('0');
  const helpInfo = [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<HelpInfo xmlns="${NAMESPACE}">`,
    `  <HelpContentURI>${helpInfoUri}</HelpContentURI>`,
    '  <SupportedUICultures>',
    '    <UICulture>',
    `      <UICultureName>${culture}</UICultureName>`,
    `      <UICultureVersion>${parts.join('.')}</UICultureVersion>`,
    '    </UICulture>',
    '  </SupportedUICultures>',
    '</HelpInfo>',
    '',
  ].join('\r\n');
  const info = path.join(outDir, `${base}_HelpInfo.xml`);
  writeFileSync(info, helpInfo);
  return [info, cab, zip];
}
