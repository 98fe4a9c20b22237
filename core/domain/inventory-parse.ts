/**
 * A server inventory read back from a record (the journal keeps the one each run started from): checked field by
 * field before a plan is built from it, since the plan builder trusts its input's shape.
 */
import { COMPONENT_NAMES } from './catalog';
import type { ServerInventory } from './inventory-types';

const TEXT_OR_NULL = [
  'Version',
  'ProductCode',
  'InstallPath',
  'DataPath',
  'VirtualDirectory',
  'SiteName',
  'PhysicalPath',
  'WebConfigPath',
  'SdkUrl',
  'LabPath',
] as const;

export function inventoryProblem(v: unknown): string | null {
  if (!isObject(v)) return 'is not an object';
  if (typeof v.ComputerName !== 'string' || typeof v.DnsName !== 'string' || typeof v.Is64Bit !== 'boolean') return 'lacks ComputerName, DnsName or Is64Bit';
  if (!Array.isArray(v.Warnings) || !v.Warnings.every((w) => typeof w === 'string')) return 'lacks Warnings';
  if (!Array.isArray(v.Components)) return 'lacks Components';
  for (const [i, c] of v.Components.entries()) {
    const where = `component ${i + 1}`;
    if (!isObject(c)) return `${where} is not an object`;
    if (!COMPONENT_NAMES.includes(c.Component as never)) return `${where} has an unknown Component ${JSON.stringify(c.Component)}`;
    if (typeof c.DisplayName !== 'string' || typeof c.ComputerName !== 'string' || typeof c.IsLegacy !== 'boolean') return `${where} lacks DisplayName, ` +
      `ComputerName or IsLegacy`;
    for (const key of TEXT_OR_NULL) if (!(c[key] === null || typeof c[key] === 'string')) return `${where} has a ${key} that is neither text nor null`;
    if (!Array.isArray(c.ThemePaths) || !c.ThemePaths.every((t) => typeof t === 'string')) return `${where} lacks ThemePaths`;
  }
  return null;
}

export function isServerInventory(v: unknown): v is ServerInventory {
  return inventoryProblem(v) === null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
