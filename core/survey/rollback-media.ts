/**
 * Why this file: a way back before the way forward. For each PhoneFactor-era product installed on a server, find a
 * package that can reinstall exactly that product and version, and say why each candidate does or does not count.
 *
 * Candidates, in this order (the first that verifies is chosen):
 * 1. media the admin names (-RollbackMediaPath: a folder on that server; every *.msi in it is read);
 * 2. Windows Installer's cached package (LocalPackage) — normally WITHOUT its embedded cabinets, which Windows
 *    removes before caching, and never with external cabinets beside it;
 * 3. the original source the product's SourceList names (LastUsedSource, then the Net folders), as PackageName.
 *
 * A package counts only when our MSI reader confirms its ProductCode and ProductVersion equal the installed product's,
 * it is built for the platform the product was installed as (an x64 package cannot install on 32-bit Windows, and an
 * x86 product reinstalled from an x64 package would not be the same product), and every cabinet its Media table names
 * is there: an embedded stream that starts as a cabinet does, or a file of that name beside the package that does.
 */
import type { Host, RegistryView } from '../host/host';
import type { ComponentName } from '../domain/catalog';
import { WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import type { ComponentRecord } from '../domain/inventory-types';
import { readInstalledProducts } from '../host/installed-products';
import { readInstallerRegistration, type InstallerRegistration } from '../host/installer-registration';
import { CABINET_SIGNATURE } from '../msi/media';
import type { MsiInfo } from '../msi/msi-info';
import { readMsi, readMsiTable } from '../msi/reader';
import { findVirtualDirectoryProperty } from '../msi/select';
import { CoreError, isCoreError, isLinkFailure } from '../util/errors';
import { joinWindowsPath, windowsParent } from '../util/windows-path';
import { farProcedure } from '../host/remote/far-procedures';

export type RollbackSource = 'GivenMedia' | 'CachedPackage' | 'OriginalSource';

export type CandidateVerdict =
  | 'Verified'
  | 'NotFound'
  | 'Unreadable'
  | 'WrongProduct'
  | 'WrongVersion'
  | 'WrongPlatform'
  | 'CabinetMissing'
  | 'UncompressedSource';

export interface RollbackCandidate {
  source: RollbackSource;
  /** Windows path of the package on the server. */
  packagePath: string;
  verdict: CandidateVerdict;
  /** Why, in words an admin reads. */
  detail: string;
  /** Verified only: the external cabinet files (Windows paths) that must travel with the package. */
  cabinetPaths: string[];
  /** What the reader found in the package, when it could read it. */
  productCode?: string;
  productVersion?: string;
}

/** A public MSI property to pass again on a reinstall, with what the value rests on. */
export interface ReinstallProperty {
  name: string;
  value: string;
  basis: string;
}

/** What is needed to reinstall the product the same way. */
export interface ReinstallFacts {
  /** The product's folder (Agent) or web application folder (web components). */
  installFolder: string | null;
  site: string | null;
  virtualDirectory: string | null;
  /** Properties to pass on the msiexec command line; each says whether it was recorded or inferred. */
  properties: ReinstallProperty[];
  /** What Windows Installer recorded for the product (InstallProperties), as recorded. */
  recorded: Record<string, string>;
}

export interface ProductRollbackMedia {
  computerName: string;
  component: ComponentName;
  displayName: string;
  productCode: string;
  version: string;
  /** Registry view of its Uninstall entry ('32': an x86 product on 64-bit Windows). */
  registryView: RegistryView | null;
  verdict: 'Verified' | 'NoVerifiedPackage';
  chosen: RollbackCandidate | null;
  candidates: RollbackCandidate[];
  reinstall: ReinstallFacts;
}

export interface RollbackMediaRequest {
  /** -RollbackMediaPath: a folder on the server holding the previous installers. */
  mediaPath?: string;
}

/**
 * Every PhoneFactor-era product of the server, with its candidates and the package chosen (or none). On a remote
 * server it runs on the core there, in one round trip, and the packages it reads never cross (far-procedures.ts).
 */
export const findRollbackMedia = farProcedure('findRollbackMedia', findMediaOfProducts);

async function findMediaOfProducts(host: Host, components: ComponentRecord[], req: RollbackMediaRequest = {}): Promise<ProductRollbackMedia[]> {
  const legacy = components.filter((c) => c.IsLegacy);
  if (legacy.length === 0) return [];
  const views = new Map((await readInstalledProducts(host)).products.filter((p) => p.productCode).map((p) => [p.productCode!.toUpperCase(), p.view]));
  const given = req.mediaPath ? await packagesInFolder(host, req.mediaPath) : [];
  const out: ProductRollbackMedia[] = [];
  for (const c of legacy) out.push(await mediaForProduct(host, c, views.get((c.ProductCode ?? '').toUpperCase()) ?? null, req.mediaPath, given));
  return out;
}

interface Expected {
  productCode: string;
  version: string;
  view: RegistryView | null;
}

async function mediaForProduct(
  host: Host,
  c: ComponentRecord,
  view: RegistryView | null,
  mediaPath: string | undefined,
  given: string[],
): Promise<ProductRollbackMedia> {
  const expected: Expected = { productCode: c.ProductCode ?? '', version: c.Version ?? '', view };
  const candidates: RollbackCandidate[] = [];
  const infos = new Map<RollbackCandidate, MsiInfo>();
  const consider = async (source: RollbackSource, path: string) => {
    const { candidate, info } = await judge(host, source, path, expected);
    candidates.push(candidate);
    if (info) infos.set(candidate, info);
  };

  if (mediaPath) {
    const matching: string[] = [];
    for (const p of given) if ((await productCodeOf(host, p))?.toUpperCase() === expected.productCode.toUpperCase()) matching.push(p);
    for (const p of matching) await consider('GivenMedia', p);
    if (matching.length === 0) candidates.push(notFound('GivenMedia', mediaPath, `No package in ${mediaPath} has the ProductCode ${expected.productCode}.`));
  }
  const registration = c.ProductCode ? await readInstallerRegistration(host, c.ProductCode) : undefined;
  if (registration?.localPackage) await consider('CachedPackage', registration.localPackage);
  else candidates.push(notFound('CachedPackage', '', 'Windows Installer records no cached package (LocalPackage) for this product.'));
  const sourcePaths = registration?.packageName ? registration.sourceFolders.map((f) => joinWindowsPath(f, registration.packageName!)) : [];
  for (const p of sourcePaths) await consider('OriginalSource', p);
  if (sourcePaths.length === 0) {
    candidates.push(notFound('OriginalSource', '', 'Windows Installer records no source folder and package name (SourceList) for this product.'));
  }

  const chosen = candidates.find((x) => x.verdict === 'Verified') ?? null;
  return {
    computerName: host.computerName,
    component: c.Component,
    displayName: c.DisplayName,
    productCode: expected.productCode,
    version: expected.version,
    registryView: view,
    verdict: chosen ? 'Verified' : 'NoVerifiedPackage',
    chosen,
    candidates,
    reinstall: reinstallFacts(c, chosen ? infos.get(chosen) : undefined, registration, chosen ? await packageBytes(host, chosen) : undefined),
  };
}

const notFound = (source: RollbackSource, packagePath: string, detail: string): RollbackCandidate => ({
  source,
  packagePath,
  verdict: 'NotFound',
  detail,
  cabinetPaths: [],
});

/**
 * *.msi files directly in the folder. A folder the admin named that does not exist is an error naming it (a typo must
 * not read as "no media").
 */
async function packagesInFolder(host: Host, folder: string): Promise<string[]> {
  try {
    return (await host.listDirectory(folder)).filter((e) => !e.isDirectory && /\.msi$/i.test(e.name)).map((e) => joinWindowsPath(folder, e.name)).sort();
  } catch (e) {
    if (isCoreError(e) && e.code === 'DirectoryNotFound') {
      throw new CoreError('RollbackMediaPathNotFound', `The folder ${folder} given with -RollbackMediaPath does not exist on ${host.computerName}.`, folder);
    }
    throw e;
  }
}

async function productCodeOf(host: Host, path: string): Promise<string | undefined> {
  try {
    return readMsi(await host.readFile(path), path).productCode;
  } catch (e) {
    if (isCoreError(e) && !isLinkFailure(e)) return undefined;
    throw e;
  }
}

/** Read bytes of a verified package again for the facts only its tables hold (Directory). */
async function packageBytes(host: Host, chosen: RollbackCandidate): Promise<Buffer | undefined> {
  return host.readFile(chosen.packagePath).catch(() => undefined);
}

async function judge(host: Host, source: RollbackSource, path: string, want: Expected): Promise<{ candidate: RollbackCandidate; info?: MsiInfo }> {
  const base = { source, packagePath: path, cabinetPaths: [] as string[] };
  const stat = await host.stat(path);
  if (!stat || stat.isDirectory) return { candidate: { ...base, verdict: 'NotFound', detail: `${path} does not exist.` } };
  let info: MsiInfo;
  try {
    info = readMsi(await host.readFile(path), path);
  } catch (e) {
    if (isCoreError(e) && !isLinkFailure(e)) return { candidate: { ...base, verdict: 'Unreadable', detail: e.message } };
    throw e;
  }
  const found = { productCode: info.productCode, productVersion: info.productVersion };
  const verdict = (v: CandidateVerdict, detail: string) => ({ candidate: { ...base, ...found, verdict: v, detail }, info });
  if ((info.productCode ?? '').toUpperCase() !== want.productCode.toUpperCase()) {
    return verdict('WrongProduct', `${path} installs ${info.productCode ?? 'no ProductCode'}, not ${want.productCode}.`);
  }
  if ((info.productVersion ?? '').trim() !== want.version.trim()) {
    return verdict('WrongVersion', `${path} installs version ${info.productVersion ?? '(none)'}; the installed version is ${want.version}.`);
  }
  const platformProblem = wrongPlatform(host, info, want.view);
  if (platformProblem) return verdict('WrongPlatform', `${path}: ${platformProblem}`);
  const uncompressed = uncompressedDisks(info);
  if (uncompressed.length) {
    return verdict('UncompressedSource', `${path} installs files of disk ${uncompressed.join(', ')} from uncompressed source folders, which this tool does ` +
      `not check; give a compressed package with -RollbackMediaPath.`);
  }
  const missing: string[] = [];
  const cabinetPaths: string[] = [];
  for (const cab of info.cabinets) {
    if (cab.embedded) {
      if (cab.stream === 'Missing') missing.push(`embedded cabinet ${cab.cabinet} is not in the package`);
      else if (cab.stream === 'NotACabinet') missing.push(`embedded stream ${cab.cabinet} is not a cabinet`);
      continue;
    }
    const cabPath = joinWindowsPath(windowsParent(path), cab.cabinet);
    const problem = await externalCabinetProblem(host, cabPath);
    if (problem) missing.push(problem);
    else cabinetPaths.push(cabPath);
  }
  if (missing.length) return verdict('CabinetMissing', `${path} cannot install: ${missing.join('; ')}.`);
  const cabs = info.cabinets.length ? ` with its cabinet(s) ${info.cabinets.map((x) => x.cabinet).join(', ')}` : '';
  return {
    candidate: { ...base, ...found, cabinetPaths, verdict: 'Verified', detail: `${path} installs ${want.productCode} ${want.version}${cabs}.` },
    info,
  };
}

async function externalCabinetProblem(host: Host, cabPath: string): Promise<string | undefined> {
  const stat = await host.stat(cabPath);
  if (!stat || stat.isDirectory) return `cabinet ${cabPath} is missing`;
  const head = stat.size >= 4 ? await host.readFileRange(cabPath, 0, 4) : Buffer.alloc(0);
  return head.equals(CABINET_SIGNATURE) ? undefined : `${cabPath} is not a cabinet file`;
}

function wrongPlatform(host: Host, info: MsiInfo, view: RegistryView | null): string | undefined {
  if (info.platform === 'x64' && !host.is64Bit) return 'it is an x64 package and this server runs 32-bit Windows';
  if (info.platform !== 'x86' && info.platform !== 'x64') return `it is built for ${info.platform}`;
  if (host.is64Bit && view === '32' && info.platform === 'x64') return 'it is an x64 package; the installed product is the x86 one (32-bit registry view)';
  if (host.is64Bit && view === '64' && info.platform === 'x86') return 'it is an x86 package; the installed product is the x64 one (64-bit registry view)';
  return undefined;
}

/** Media rows without a cabinet whose sequence range holds files: those files come uncompressed from the source. */
function uncompressedDisks(info: MsiInfo): number[] {
  const sorted = [...info.media].sort((a, b) => a.lastSequence - b.lastSequence);
  const disks: number[] = [];
  let previous = 0;
  for (const m of sorted) {
    if (m.cabinet === null && m.lastSequence > previous) disks.push(m.diskId);
    previous = Math.max(previous, m.lastSequence);
  }
  return disks;
}

const INFERRED_VDIR = 'Inference: the package\'s public property whose default value is the default virtual directory (no public source names the ' +
  'property [?])';
const INFERRED_SITE = 'Inference: the package\'s public property whose default value is "Default Web Site" [?]';
const INFERRED_FOLDER = 'Inference: the public Directory-table property whose folder name is the install folder\'s name [?]';
const CONVENTIONAL_FOLDER = 'Inference: the package\'s public INSTALLDIR / INSTALLLOCATION directory, by the common installer convention (no public ' +
  'source names the PhoneFactor installer\'s property [?])';

function reinstallFacts(
  c: ComponentRecord,
  info: MsiInfo | undefined,
  registration: InstallerRegistration | undefined,
  bytes: Buffer | undefined,
): ReinstallFacts {
  const web = c.Component in WEB_COMPONENTS ? WEB_COMPONENTS[c.Component as WebComponentName] : undefined;
  const installFolder = (web ? c.PhysicalPath : c.InstallPath) ?? registration?.installProperties.InstallLocation ?? null;
  const properties: ReinstallProperty[] = [];
  if (info && web && c.VirtualDirectory) {
    const vdir = findVirtualDirectoryProperty(info, web.legacyVirtualDirectory);
    if (vdir) properties.push({ name: vdir, value: c.VirtualDirectory, basis: INFERRED_VDIR });
    const site = c.SiteName ? findVirtualDirectoryProperty(info, 'Default Web Site') : undefined;
    if (site && c.SiteName) properties.push({ name: site, value: c.SiteName, basis: INFERRED_SITE });
  }
  if (info && bytes && installFolder) {
    const folderProperty = installFolderProperty(bytes, info.source, installFolder);
    const basis = folderProperty?.byName ? INFERRED_FOLDER : CONVENTIONAL_FOLDER;
    if (folderProperty) properties.push({ name: folderProperty.name, value: installFolder, basis });
  }
  return {
    installFolder,
    site: c.SiteName,
    virtualDirectory: c.VirtualDirectory,
    properties,
    recorded: registration?.installProperties ?? {},
  };
}

/**
 * A public (upper-case) Directory key whose long folder name is the install folder's last segment; failing that, a
 * public INSTALLDIR or INSTALLLOCATION directory.
 */
function installFolderProperty(bytes: Buffer, source: string, installFolder: string): { name: string; byName: boolean } | undefined {
  const leaf = installFolder.replace(/[\\/]+$/, '').split(/[\\/]/).pop()?.toLowerCase();
  let table: ReturnType<typeof readMsiTable>;
  try {
    table = readMsiTable(bytes, source, 'Directory');
  } catch {
    return undefined;
  }
  const publicKeys: { key: string; long: string }[] = [];
  for (const row of table?.rows ?? []) {
    const key = row.Directory;
    const defaultDir = typeof row.DefaultDir === 'string' ? row.DefaultDir : '';
    // DefaultDir is "target[:source]", each "short|long" or one name.
    const target = defaultDir.split(':')[0];
    const long = (target.includes('|') ? target.split('|')[1] : target).toLowerCase();
    if (typeof key === 'string' && key === key.toUpperCase()) publicKeys.push({ key, long });
  }
  const byName = publicKeys.find((k) => k.long === leaf);
  if (byName) return { name: byName.key, byName: true };
  const conventional = publicKeys.find((k) => k.key === 'INSTALLDIR' || k.key === 'INSTALLLOCATION');
  return conventional ? { name: conventional.key, byName: false } : undefined;
}
