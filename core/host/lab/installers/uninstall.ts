/**
 * msiexec /x {ProductCode}: remove what the product installed and nothing else. Files it did not install
 * (custom themes, files an admin added, the data file written at run time) stay, and so do the folders
 * holding them, as with Windows Installer. A web.config it installed is removed even if edited.
 */
import { removeWebApplication, APPLICATION_HOST_CONFIG } from '../../iis';
import { isCoreError } from '../../../util/errors';
import type { LabMachine } from './lab-machine';
import type { InstallerLog } from './installer-log';
import { UNINSTALL_KEY, findProductCode } from './product-registration';
import { forgetPackage } from './installer-cache';

export async function uninstallProduct(
  lab: LabMachine,
  productCode: string,
  log: InstallerLog,
): Promise<{ exitCode: number; productName?: string; version?: string; publisher?: string }> {
  const config = await lab.readConfig();
  const key = findProductCode(config.installerDatabase, productCode);
  if (!key) {
    log.line(`This action is only valid for products that are currently installed: ${productCode}.`);
    return { exitCode: 1605 };
  }
  const record = config.installerDatabase[key];
  for (const file of record.files) {
    await lab.removePath(file);
    log.line(`Removed file ${file}.`);
  }
  for (const dir of [...(record.directories ?? [])].reverse()) {
    const stat = await lab.stat(dir);
    if (stat?.isDirectory && (await lab.listDirectory(dir)).length === 0) {
      await lab.removePath(dir);
      log.line(`Removed folder ${dir}.`);
    } else if (stat) {
      log.line(`Folder ${dir} still holds files this product did not install; left in place.`);
    }
  }
  if (record.virtualDirectory && record.site && (await lab.stat(APPLICATION_HOST_CONFIG))) {
    const text = (await lab.readFile(APPLICATION_HOST_CONFIG)).toString('utf8');
    try {
      const next = removeWebApplication(text, record.site, `/${record.virtualDirectory}`);
      await lab.placeFile(APPLICATION_HOST_CONFIG, Buffer.from(next, 'utf8'));
      log.line(`Removed IIS application '${record.site}/${record.virtualDirectory}'.`);
    } catch (e) {
      // An admin may have removed the application by hand; Windows Installer carries on too.
      if (!isCoreError(e) || (e.code !== 'IisApplicationNotFound' && e.code !== 'IisSiteNotFound')) throw e;
      log.line(`IIS application '${record.site}/${record.virtualDirectory}' was already gone.`);
    }
  }
  const tree = await lab.loadRegistry();
  tree.deleteKey(lab.regPath(`${UNINSTALL_KEY}\\${key}`, record.registryView));
  for (const k of record.registryKeys ?? []) tree.deleteKey(lab.regPath(k.key, k.view));
  await lab.saveRegistry(tree);

  // Windows Installer deletes its cached package and its records of the product: a way back must be copied before.
  const cached = await forgetPackage(lab, key);
  if (cached) log.line(`Removed the cached package ${cached}.`);

  const after = await lab.readConfig();
  for (const s of record.services ?? []) {
    const name = Object.keys(after.services).find((n) => n.toLowerCase() === s.toLowerCase());
    if (name) {
      delete after.services[name];
      log.line(`Removed service ${name}.`);
    }
  }
  delete after.installerDatabase[key];
  await lab.writeConfig(after);
  return { exitCode: 0, productName: record.productName, version: record.version, publisher: record.publisher };
}
