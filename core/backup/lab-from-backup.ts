/**
 * New-MfaLab -FromBackup: a lab server rebuilt from a Backup-PhoneFactor folder, so that the admin's own server (its
 * name, products and versions, registry key, IIS applications with their custom names and paths, web.configs, themes
 * and data file) can be upgraded offline first. The backup is verified before it is used (a record is a claim).
 * What a backup does not hold is rebuilt the way New-MfaLab builds any lab and listed in `notes` (and README.txt).
 */
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, resolve, win32 } from 'node:path';
import { protectFolder } from './protect-folder';
import { MEDIA_MANIFEST, findLabMediaFolder, labMediaFile, labMediaNames } from '../host/lab/media';
import { finishLab, prepareFolder } from '../host/lab/scenarios';
import { withLabInstallerPath, type LabFile, type LabServerSummary } from '../host/lab/lab-file';
import { LAB_FILE } from '../host/lab/server-file';
import { labReadme } from '../host/lab/templates/lab-readme';
import { verifyBackup } from './verify-backup';
import { localPathInside } from '../util/windows-path';
import type { ManifestFileEntry } from './manifest';
import { RESTORED_KINDS } from './restore-targets';
import { INVENTORY_FILE, IIS_SECTIONS_FILE, PRODUCTS_FILE, REGISTRY_FILE } from './backup-items';
import { classifyProduct } from '../domain/classify-product';
import type { ServerInventory } from '../domain/inventory-types';
import { WEB_COMPONENTS, type WebComponentName } from '../domain/catalog';
import type { IisSections } from '../host/iis';
import { APPLICATION_HOST_CONFIG } from '../host/iis';
import type { InstalledProduct } from '../host/installed-products';
import { decodeRegFileBytes, RegistryTree } from '../host/registry-file';
import { CoreError } from '../util/errors';
import { LabHost } from '../host/lab/lab-host';
import { joinWindowsPath, pathSegmentFromName } from '../util/windows-path';
import { LEGACY_SERVICE } from '../host/lab/legacy-products';
import { LAB_MEDIA_PATH } from '../host/lab/build-server';
import { applicationHostFromSections } from '../host/lab/templates/application-host';
import { themeFiles } from '../host/lab/templates/web-configs';
import { registerProduct, UNINSTALL_KEY } from '../host/lab/installers/product-registration';
import { ORIGINAL_MEDIA_PATH, placeBackedUpMedia } from '../host/lab/original-media';
import { ROLLBACK_MEDIA_RECORD, type RollbackMediaRecord } from '../backup/rollback-media-items';
import { writeServerConfig, type InstalledProductRecord } from '../host/lab/server-file';

/** Writing never makes a folder (Host contract): the rebuilt server's folders are made as each file is laid down. */
async function writeWithFolder(lab: LabHost, path: string, bytes: Buffer): Promise<void> {
  await lab.makeDirectory(win32.dirname(path));
  await lab.writeFileAtomic(path, bytes);
}

/** What no backup holds, whatever its age: the lab makes these up (README.txt and the command's output list them). */
export const NEVER_IN_A_BACKUP = [
  'program files of the Agent and the web components (the lab writes placeholders; the installers replace them anyway)',
  'IIS applications, sites and pools other than those of the PhoneFactor components, and the root folder of a site other than Default Web Site',
  'TLS certificates and their bindings in http.sys',
  'services other than the PhoneFactor service (named PFSVC in the lab: the real name is not documented [?])',
  'local groups such as "PhoneFactor Admins" and their members, and domain accounts',
  'other registry keys than the product key and the installed-products list, the Windows version',
];

export interface FromBackupResult {
  host: LabHost;
  computerName: string;
  notes: string[];
}

const readJson = async <T>(file: string): Promise<T | undefined> => {
  try {
    return JSON.parse((await readFile(file, 'utf8')).replace(/^\uFEFF/, '')) as T;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CoreError('BackupIncomplete', `${file} cannot be read as JSON: ${(e as Error).message}`, file);
  }
};

const placeholder = (what: string) => Buffer.from(`Lab placeholder for ${what} (rebuilt from a backup).\r\n`, 'utf8');

/** Builds one lab server in `folder` from the backup at `backup` (a local folder). */
export async function buildServerFromBackup(folder: string, backup: string, mediaFolder: string): Promise<FromBackupResult> {
  const verified = await verifyBackup(backup);
  if (!verified.IsValid || !verified.Manifest) {
    throw new CoreError(
      'BackupVerificationFailed',
      `${backup} is not a valid backup, so no lab was built from it: ${verified.Reason ?? 'it does not verify'}. Check it with Test-PhoneFactorBackup.`,
      backup,
    );
  }
  const manifest = verified.Manifest;
  const inventory = await readJson<ServerInventory>(join(backup, INVENTORY_FILE));
  if (!inventory) throw new CoreError(
    'BackupIncomplete',
    `${backup} has no ${INVENTORY_FILE}, so the server it came from is unknown; no lab was built.`,
    backup,
  );
  const notes: string[] = [];
  const iis = await readJson<IisSections>(localPathInside(backup, IIS_SECTIONS_FILE));
  const productsFile = await readJson<{ products: InstalledProduct[] }>(localPathInside(backup, PRODUCTS_FILE));
  if (!iis && inventory.Components.some((c) => c.VirtualDirectory)) {
    notes.push(`This backup has no ${IIS_SECTIONS_FILE} (made before backups kept IIS sections): the IIS applications are rebuilt from ${INVENTORY_FILE} ` +
      `(site, virtual directory, folder) with the default application pool and the bindings http *:80 and https *:443. Make a new backup to rehearse with ` +
      `your own bindings and pools.`);
  }
  if (!productsFile) {
    notes.push(`This backup has no ${PRODUCTS_FILE} (made before backups kept the installed-products list): only the PhoneFactor products ` +
      `of ${INVENTORY_FILE} are registered, so checks of other products (the VC++ runtimes) see none. Make a new backup to rehearse with your own list.`);
  }

  await mkdir(join(folder, 'C'), { recursive: true });
  const agent = inventory.Components.find((c) => c.Component === 'Agent' || c.Component === 'MfaServer');
  await writeServerConfig(folder, {
    computerName: inventory.ComputerName,
    dnsName: inventory.DnsName,
    is64Bit: inventory.Is64Bit,
    services: {
      ...(inventory.Components.some((c) => c.VirtualDirectory) ? { W3SVC: {
        displayName: 'World Wide Web Publishing Service',
        state: 'Running',
        startType: 'Automatic',
      } } : {}),
      ...(agent ? { [LEGACY_SERVICE]: { displayName: 'PhoneFactor', state: 'Running', startType: 'Automatic' } } : {}),
    },
    installerDatabase: {},
  });
  const lab = await LabHost.open(folder);
  await lab.makeDirectory('C:\\Windows\\Temp');

  // The backed-up files go back where they came from, byte for byte (the manifest names each one's original path).
  const files = manifest.files.filter((f) => RESTORED_KINDS.has(f.kind));
  for (const f of files) await writeWithFolder(lab, f.originalPath, await readFile(localPathInside(backup, f.relativePath)));

  await importRegistry(lab, backup, manifest.files, notes);
  await registerOtherProducts(lab, productsFile?.products ?? []);
  if (inventory.Components.some((c) => c.VirtualDirectory)) {
    const sections = iis ?? sectionsFromInventory(inventory);
    await writeWithFolder(lab, APPLICATION_HOST_CONFIG, Buffer.from(applicationHostFromSections(sections), 'utf8'));
    await writeWithFolder(lab, 'C:\\inetpub\\wwwroot\\iisstart.htm', Buffer.from('<html><body>IIS</body></html>\r\n', 'utf8'));
  }
  for (const c of inventory.Components) {
    const product = (productsFile?.products ?? []).find((p) => p.productCode && c.ProductCode && p.productCode.toUpperCase() === c.ProductCode.toUpperCase());
    const platform: 'x86' | 'x64' = !inventory.Is64Bit || product?.view === '32' ? 'x86' : 'x64';
    const record: InstalledProductRecord = {
      component: c.Component,
      productName: c.DisplayName,
      version: c.Version ?? '0.0.0.0',
      publisher: product?.publisher ?? 'PhoneFactor, Inc.',
      platform,
      registryView: inventory.Is64Bit && platform === 'x86' ? '32' : '64',
      installLocation: product?.installLocation ?? c.InstallPath ?? undefined,
      files: [],
    };
    const code = c.ProductCode ?? `{00000000-0000-0000-0000-${String(inventory.Components.indexOf(c)).padStart(12, '0')}}`;
    if (!c.ProductCode) notes.push(`${c.DisplayName} had no product code in the backup; the lab gives it ${code}.`);
    if ((c.Component === 'Agent' || c.Component === 'MfaServer') && c.InstallPath) {
      for (const name of ['Pfsvc.exe', 'PhoneFactor.exe', 'PfCommon.dll']) {
        const p = joinWindowsPath(c.InstallPath, name);
        await writeWithFolder(lab, p, placeholder(name));
        record.files.push(p);
      }
      record.directories = [c.InstallPath];
      record.services = [LEGACY_SERVICE];
    } else if (c.PhysicalPath && c.VirtualDirectory) {
      const info = WEB_COMPONENTS[c.Component as WebComponentName];
      record.directories = [c.PhysicalPath, joinWindowsPath(c.PhysicalPath, 'bin')];
      const made = [info?.endpoint, `bin\\${c.DisplayName.replace(/\s+/g, '')}.dll`].filter((x): x is string => !!x);
      for (const rel of made) {
        const p = joinWindowsPath(c.PhysicalPath, rel);
        await writeWithFolder(lab, p, placeholder(rel));
        record.files.push(p);
      }
      if (c.Component === 'UserPortal') {
        // The portal installer's own Default theme is product files, not in a backup: the lab ships its stand-in.
        for (const [n, text] of Object.entries(themeFiles('Default', '#0072c6'))) {
          const p = joinWindowsPath(c.PhysicalPath, 'App_Themes', 'Default', n);
          if (!(await lab.stat(p))) await writeWithFolder(lab, p, Buffer.from(text, 'utf8'));
          record.files.push(p);
        }
        record.directories.push(joinWindowsPath(c.PhysicalPath, 'App_Themes'), joinWindowsPath(c.PhysicalPath, 'App_Themes', 'Default'));
      }
      if (c.WebConfigPath) record.files.push(c.WebConfigPath);
      record.site = c.SiteName ?? 'Default Web Site';
      record.virtualDirectory = c.VirtualDirectory;
      record.physicalPath = c.PhysicalPath;
    }
    // The package the backup kept to reinstall this product (if any) is the lab's original media for it, cached as Windows would.
    const kept = await keptPackage(backup, manifest.files, c.ProductCode);
    const packagePath = kept ? await placeBackedUpMedia(lab, c.Component, kept) : undefined;
    const source = packagePath ? packagePath.slice(0, packagePath.lastIndexOf('\\')) : ORIGINAL_MEDIA_PATH;
    await registerProduct(lab, code, record, `${source}\\`, packagePath);
  }
  if (!(await rollbackRecordOf(backup, manifest.files))) {
    notes.push('This backup holds no rollback media (made before backups kept them): the lab\'s products have no cached package or original ' +
      'source, so the RollbackMedia readiness check fails as it would on the server; give -RollbackMediaPath to rehearse with your installers.');
  }
  if (agent) await copyMedia(lab, mediaFolder, null);
  else if (inventory.Components.some((c) => c.VirtualDirectory)) await copyMedia(lab, mediaFolder, /\.msi$|media\.json$/i);
  notes.push(...NEVER_IN_A_BACKUP.map((n) => `Not in a backup (made up by the lab): ${n}.`));
  notes.push(`The installer media are the lab's own (${LAB_MEDIA_PATH}), not your MFA Server media.`);
  return { host: lab, computerName: inventory.ComputerName, notes };
}

/** The backup's rollback-media.json, when it has one. */
async function rollbackRecordOf(backup: string, files: ManifestFileEntry[]): Promise<RollbackMediaRecord | undefined> {
  const entry = files.find((f) => f.relativePath.toLowerCase() === ROLLBACK_MEDIA_RECORD.toLowerCase());
  if (!entry) return undefined;
  return JSON.parse((await readFile(localPathInside(backup, entry.relativePath))).toString('utf8')) as RollbackMediaRecord;
}

/** The package (then its cabinets) the backup kept for a product, as listed in its manifest; undefined when none. */
async function keptPackage(backup: string, files: ManifestFileEntry[], productCode: string | null): Promise<{ name: string; bytes: Buffer }[] | undefined> {
  const product = (await rollbackRecordOf(backup, files))?.products.find((p) => productCode && p.productCode.toUpperCase() === productCode.toUpperCase());
  if (!product?.package) return undefined;
  const listed = new Set(files.filter((f) => f.kind === 'RollbackMedia').map((f) => f.relativePath.toLowerCase()));
  const paths = [product.package, ...product.cabinets];
  if (!paths.every((p) => listed.has(p.toLowerCase()))) return undefined;
  return Promise.all(paths.map(async (p) => ({ name: p.slice(p.lastIndexOf('\\') + 1), bytes: await readFile(localPathInside(backup, p)) })));
}

/** The product key's .reg export, imported key by key (it was exported from the same view layout). */
async function importRegistry(lab: LabHost, backup: string, files: ManifestFileEntry[], notes: string[]): Promise<void> {
  const entry = files.find((f) => f.kind === 'Registry' && f.relativePath.toLowerCase() === REGISTRY_FILE.toLowerCase());
  const tree = await lab.loadRegistry();
  if (entry) {
    const file = localPathInside(backup, entry.relativePath);
    const imported = RegistryTree.parse(decodeRegFileBytes(await readFile(file)), file);
    for (const key of imported.all()) {
      tree.ensureKey(key.path);
      for (const v of key.values) tree.setValue(key.path, v);
    }
  } else {
    notes.push('This backup holds no product registry key (the server had none): the lab has none either.');
  }
  const cv = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion';
  tree.setValue(lab.regPath(cv, '64'), { name: 'ProductName', type: 'REG_SZ', data: 'Windows Server (lab rebuilt from a backup)' });
  tree.setValue(
    lab.regPath('HKLM\\SYSTEM\\CurrentControlSet\\Control\\ComputerName\\ComputerName', '64'),
    { name: 'ComputerName', type: 'REG_SZ', data: lab.computerName },
  );
  await lab.saveRegistry(tree);
}

/** Every other product of products.json (the PhoneFactor ones are registered with their lab records). */
async function registerOtherProducts(lab: LabHost, products: InstalledProduct[]): Promise<void> {
  const tree = await lab.loadRegistry();
  for (const p of products) {
    if (classifyProduct(p.displayName)) continue;
    const key = lab.regPath(`${UNINSTALL_KEY}\\${p.keyName}`, lab.is64Bit ? p.view : '32');
    tree.setValue(key, { name: 'DisplayName', type: 'REG_SZ', data: p.displayName });
    if (p.displayVersion) tree.setValue(key, { name: 'DisplayVersion', type: 'REG_SZ', data: p.displayVersion });
    if (p.publisher) tree.setValue(key, { name: 'Publisher', type: 'REG_SZ', data: p.publisher });
    if (p.installLocation) tree.setValue(key, { name: 'InstallLocation', type: 'REG_SZ', data: p.installLocation });
    if (p.uninstallString) tree.setValue(key, { name: 'UninstallString', type: 'REG_SZ', data: p.uninstallString });
    if (p.isWindowsInstaller) tree.setValue(key, { name: 'WindowsInstaller', type: 'REG_DWORD', data: 1 });
  }
  await lab.saveRegistry(tree);
}

/** An older backup's IIS: what inventory.json says, with default pool and bindings (listed in the notes). */
function sectionsFromInventory(inventory: ServerInventory): IisSections {
  const sites = new Map<string, IisSections['sites'][number]>();
  for (const c of inventory.Components.filter((x) => x.VirtualDirectory && x.PhysicalPath)) {
    const name = c.SiteName ?? 'Default Web Site';
    const site = sites.get(name.toLowerCase()) ?? {
      name,
      id: null,
      bindings: [{ protocol: 'http', bindingInformation: '*:80:' }, { protocol: 'https', bindingInformation: '*:443:' }],
      applications: [],
    };
    site.applications.push({ path: `/${c.VirtualDirectory}`, applicationPool: null, rawPhysicalPath: c.PhysicalPath!, xml: '' });
    sites.set(name.toLowerCase(), site);
  }
  return { formatVersion: 1, source: INVENTORY_FILE, sites: [...sites.values()], applicationPools: [] };
}

async function copyMedia(lab: LabHost, mediaFolder: string, only: RegExp | null): Promise<void> {
  await lab.makeDirectory(LAB_MEDIA_PATH);
  const target = lab.localPath(LAB_MEDIA_PATH);
  // Files only: the media folder also holds the PhoneFactor-era stand-ins (phonefactor\), which are not MFA Server media.
  // Each installer is placed under the name the real media has (media.ts); media.json keeps its own.
  const files = (await readdir(mediaFolder, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  const placed = [...labMediaNames(files).map((name) => ({ name, from: labMediaFile(mediaFolder, name) })),
    ...files.filter((f) => f === MEDIA_MANIFEST).map((name) => ({ name, from: join(mediaFolder, name) }))];
  for (const f of placed) if (!only || only.test(f.name)) await copyFile(f.from, join(target, f.name));
}

/**
 * A lab of one server per backup folder. One backup: the lab folder is the server; several (an MFA server and its
 * web server): one server folder each, named by computer name. The backups must come from different servers.
 */
export async function createLabFromBackups(
  path: string,
  backups: string[],
  options: { force?: boolean; mediaFolder?: string } = {},
): Promise<LabServerSummary[]> {
  const labPath = resolve(path);
  const mediaFolder = findLabMediaFolder(options.mediaFolder);
  for (const b of backups) if (!existsSync(resolve(b))) throw new CoreError('BackupNotFound', `There is no backup folder at ${resolve(b)}.`, b);
  // Every server's name is checked before anything is written: it names the server's folder (several backups), and
  // the lab reports it, so a run folder and log names are made from it later. A name that is not a plain name
  // (`..`, `../../X`, a separator, a device name) is refused: the backup's inventory was altered or is not a server's.
  const servers = new Map<string, { name: string; backup: string }>();
  for (const b of backups) {
    const inventory = await readJson<ServerInventory>(join(resolve(b), INVENTORY_FILE));
    const name = pathSegmentFromName(String(inventory?.ComputerName ?? 'SERVER'), `The computer name in ${join(resolve(b), INVENTORY_FILE)}`, b);
    if (servers.has(name.toLowerCase())) throw new CoreError('DuplicateServer', `Two of the backups come from ${name}; give one backup per server.`, b);
    servers.set(name.toLowerCase(), { name, backup: b });
  }
  const prepared = await prepareFolder(labPath, options.force ?? false);
  await mkdir(labPath, { recursive: true });
  const foreign = new Set(await readdir(labPath)); // what the admin keeps beside a replaced lab
  // A backup folder is protected like the backup (it holds the SDK password): so is the lab made from it, and each
  // server folder in it (made here, then closed before its first file).
  await protectFolder(labPath);
  const built: { folder: string; result: FromBackupResult }[] = [];
  for (const { name, backup } of servers.values()) {
    const folder = backups.length === 1 ? labPath : join(labPath, name);
    if (folder !== labPath) {
      await mkdir(folder, { recursive: true });
      await protectFolder(folder);
    }
    built.push({ folder, result: await buildServerFromBackup(folder, resolve(backup), mediaFolder) });
  }
  const summaries: LabServerSummary[] = built.map(({ folder, result }) => ({
    LabPath: folder,
    ComputerName: result.computerName,
    InstallerPath: existsSync(result.host.localPath(LAB_MEDIA_PATH)) ? LAB_MEDIA_PATH : null,
    Scenario: 'FromBackup',
    Notes: result.notes,
  }));
  const labFile: LabFile = { formatVersion: 1, scenario: 'FromBackup', servers: backups.length === 1 ? ['.'] : summaries.map((s) => s.ComputerName) };
  await writeFile(join(labPath, LAB_FILE), JSON.stringify(labFile, null, 2) + '\n');
  await writeFile(join(labPath, 'README.txt'), labReadme('FromBackup', summaries, labPath));
  await finishLab(labPath, backups.length === 1 ? ['.'] : [...servers.values()].map((s) => s.name), foreign, prepared);
  return withLabInstallerPath(summaries);
}
