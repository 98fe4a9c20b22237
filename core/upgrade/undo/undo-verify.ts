/**
 * The last step of an Undo on a server: is it what its backup says it was? Products and versions (each PhoneFactor
 * product of the backup's inventory is installed again in that version, and no MFA Server product is left), virtual
 * directories (site, name and folder as the backup's inventory recorded them), every restored file by its hash in the
 * backup's manifest, the product key's values, and the PhoneFactor service running.
 */
import { createHash } from 'node:crypto';
import type { Host } from '../../host/host';
import { readManifest } from '../../backup/index';
import { RESTORED_KINDS } from '../../backup/restore-targets';
import { findMfaServices } from '../../survey/mfa-services';
import { inventoryServer } from '../../survey/inventory';
import { PRODUCT_KEY_VIEW } from '../../domain/catalog';
import { sameWindowsPath } from '../../util/windows-path';
import { checkedBackup } from './undo-facts';
import { backupRegistryValues, sameValue } from './undo-registry';

export interface UndoCheck {
  Name: 'Products' | 'VirtualDirectories' | 'Files' | 'Registry' | 'Service';
  Passed: boolean;
  Detail: string;
}

export async function verifyAgainstBackup(host: Host, backupPath: string): Promise<UndoCheck[]> {
  const { inventory } = await checkedBackup(backupPath, host.computerName);
  const now = (await inventoryServer(host)).Components;
  const checks: UndoCheck[] = [];
  const check = (Name: UndoCheck['Name'], problems: string[], ok: string) =>
    checks.push({ Name, Passed: problems.length === 0, Detail: problems.length ? problems.join('; ') : ok });

  const was = inventory.Components.filter((c) => c.IsLegacy);
  const productProblems: string[] = [];
  for (const c of was) {
    const found = now.find((n) => n.IsLegacy && (n.ProductCode ?? '').toUpperCase() === (c.ProductCode ?? '').toUpperCase());
    if (!found) productProblems.push(`${c.DisplayName} ${c.Version ?? ''} is not installed`);
    else if (found.Version !== c.Version) productProblems.push(`${c.DisplayName} is version ${found.Version ?? '?'}, the backup's is ${c.Version ?? '?'}`);
  }
  for (const n of now.filter((x) => !x.IsLegacy)) productProblems.push(`${n.DisplayName} ${n.Version ?? ''} is still installed`);
  check('Products', productProblems, was.map((c) => `${c.DisplayName} ${c.Version ?? ''}`).join(', ') || 'none');

  const vdirProblems: string[] = [];
  const webs = was.filter((c) => c.VirtualDirectory);
  for (const c of webs) {
    const found = now.find((n) => n.IsLegacy && n.Component === c.Component);
    const same =
      found?.VirtualDirectory?.toLowerCase() === c.VirtualDirectory?.toLowerCase() &&
      (found?.SiteName ?? '').toLowerCase() === (c.SiteName ?? '').toLowerCase() &&
      !!found?.PhysicalPath &&
      !!c.PhysicalPath &&
      sameWindowsPath(found.PhysicalPath, c.PhysicalPath);
    if (!same) {
      vdirProblems.push(
        `${c.Component} was /${c.VirtualDirectory} in '${c.SiteName ?? ''}' at ${c.PhysicalPath ?? '?'}; now ` +
          `${found?.VirtualDirectory ? `/${found.VirtualDirectory} in '${found.SiteName ?? ''}' at ${found.PhysicalPath ?? '?'}` : 'none'}`,
      );
    }
  }
  check('VirtualDirectories', vdirProblems, webs.map((c) => `/${c.VirtualDirectory}`).join(', ') || 'none');

  const read = await readManifest(backupPath);
  const entries = read.ok ? read.manifest.files.filter((f) => RESTORED_KINDS.has(f.kind)) : [];
  const fileProblems: string[] = [];
  for (const e of entries) {
    const bytes = (await host.stat(e.originalPath)) ? await host.readFile(e.originalPath) : undefined;
    if (!bytes) fileProblems.push(`${e.originalPath} is missing`);
    else if (createHash('sha256').update(bytes).digest('hex') !== e.sha256) fileProblems.push(`${e.originalPath} differs from the backup`);
  }
  check('Files', fileProblems, `${entries.length} file(s) equal to the backup by SHA-256`);

  const values = (await backupRegistryValues(backupPath, host.computerName)) ?? [];
  const registryProblems: string[] = [];
  for (const { key, value } of values) {
    const now = (await host.getRegistryKey(key, PRODUCT_KEY_VIEW))?.values.find((v) => v.name.toLowerCase() === value.name.toLowerCase());
    if (!now || !sameValue(now, value)) registryProblems.push(`${key}\\${value.name} is not the backup's value`);
  }
  check('Registry', registryProblems, `${values.length} value(s) of the product key as in the backup`);

  if (was.some((c) => c.Component === 'Agent')) {
    const services = await findMfaServices(host);
    const running = services.filter((s) => s.state === 'Running');
    check('Service', running.length ? [] : [`no PhoneFactor service is running (${services.map((s) => `${s.name} ${s.state}`).join(', ') || 'none'})`],
      running.map((s) => `${s.name} running`).join(', '));
  }
  return checks;
}
