/**
 * The files a web component's web.config names (appSettings file=, configSource= on any section), as the backup,
 * the backup-coverage rule, the restore-target rule and the upgrade's merge step see them. The uninstall removes the
 * application folder, so a file kept there with settings in it is lost with it unless the backup holds it.
 *
 * A reference is input (anyone who can edit a web.config writes it, and a backup is made and restored as SYSTEM), so
 * it is followed only when it stays inside the web.config's own folder: a relative path without a drive, a UNC or
 * device prefix, a stream, "..", or a character Windows refuses. That is .NET's own rule for configSource= (it refuses
 * anything else, test/dotnet-config-judge). For appSettings file= .NET is kinder (absolute paths and ".." work): such
 * a file lies outside the application folder, so the uninstall does not remove it; it is not copied, and the backup
 * says so in a warning, so the admin can keep it by hand. `resolveReference` is the one place this path rule lives.
 */
import type { Host } from '../host/host';
import type { ComponentRecord } from '../domain/inventory-types';
import { referencedFiles, type WebConfigReference } from '../webconfig/referenced-files';
import { isCoreError } from '../util/errors';
import { joinWindowsPath, normalizeRelativePath, windowsParent, windowsPathKey } from '../util/windows-path';

/** A reference that stays in the application folder: where it is on the server and below the web.config's folder. */
export interface ResolvedReference extends WebConfigReference {
  webConfigPath: string;
  /** Below the web.config's folder, `\`-separated, without "." segments (`custom.config`, `Config\cs.config`). */
  relative: string;
  /** The Windows path on the server. */
  path: string;
}

/** The web.config of a web component record: the one the server reports, or web.config in its physical folder. */
export function webConfigOf(record: ComponentRecord): string | null {
  return record.WebConfigPath ?? (record.PhysicalPath ? joinWindowsPath(record.PhysicalPath, 'web.config') : null);
}

/**
 * Where a reference of the web.config at `webConfigPath` points, or why it is not followed. Separators `\` and `/`
 * both count (Windows opens either); "." segments are dropped; surrounding spaces are ignored (.NET refuses them for
 * configSource=, so backing up the file they name costs nothing).
 */
export function resolveReference(webConfigPath: string, value: string): { relative: string; path: string } | { refused: string } {
  const trimmed = value.trim();
  if (/^[\\/]/.test(trimmed) || /^[A-Za-z]:/.test(trimmed)) {
    return { refused: 'it is an absolute path (a drive, UNC or device path), not one inside the application folder' };
  }
  const segments = trimmed.split(/[\\/]/).filter((s) => s !== '.');
  if (segments.includes('..')) return { refused: 'it leads out of the application folder ("..")' };
  try {
    const relative = normalizeRelativePath(segments.join('\\'));
    return { relative, path: joinWindowsPath(windowsParent(webConfigPath), relative) };
  } catch {
    return { refused: 'it is not a plain relative path (empty parts, a stream or a character Windows refuses in names)' };
  }
}

export interface WebConfigReferences {
  /** Per web.config (its server path, lower case): the references that are followed. */
  byWebConfig: Map<string, ResolvedReference[]>;
  /** One sentence per reference not followed, per missing file and per web.config whose references could not be read. */
  warnings: string[];
}

/** How two Windows paths are compared here: either separator, no trailing one, case ignored. */

/** The followed references of the web.config at `webConfigPath` (none when it was not read). */
export const referencesOf = (references: WebConfigReferences, webConfigPath: string): ResolvedReference[] =>
  references.byWebConfig.get(windowsPathKey(webConfigPath)) ?? [];

/** What the web.configs of `records` name, read from the server now. */
export async function readWebConfigReferences(host: Host, records: ComponentRecord[]): Promise<WebConfigReferences> {
  const byWebConfig = new Map<string, ResolvedReference[]>();
  const warnings: string[] = [];
  for (const record of records) {
    if (record.Component === 'Agent' || record.Component === 'MfaServer') continue;
    const webConfigPath = webConfigOf(record);
    if (!webConfigPath || byWebConfig.has(windowsPathKey(webConfigPath))) continue;
    const stat = await host.stat(webConfigPath);
    if (!stat || stat.isDirectory) continue;
    let references: WebConfigReference[];
    try {
      references = referencedFiles({ path: webConfigPath, bytes: await host.readFile(webConfigPath) });
    } catch (e) {
      if (!isCoreError(e)) throw e;
      warnings.push(`${record.Component}: ${webConfigPath} cannot be read as XML (${e.code}), so the files it may name (file=, configSource=) are not ` +
        `known and not backed up; the web.config itself is.`);
      continue;
    }
    const followed: ResolvedReference[] = [];
    for (const reference of references) {
      const where = `${record.Component}: ${webConfigPath} line ${reference.line} names "${reference.value}" (${reference.section} ${reference.attribute}=)`;
      const resolved = resolveReference(webConfigPath, reference.value);
      if ('refused' in resolved) {
        warnings.push(`${where}, which is not backed up: ${resolved.refused}. The uninstall does not remove a file outside the application folder; ` +
          `keep a copy of it yourself if it matters.`);
        continue;
      }
      if (windowsPathKey(resolved.path) === windowsPathKey(webConfigPath)) {
        warnings.push(`${where}: the web.config itself, which is backed up as such.`);
        continue;
      }
      if (followed.some((f) => f.relative.toLowerCase() === resolved.relative.toLowerCase())) continue;
      const file = await host.stat(resolved.path);
      if (!file || file.isDirectory) {
        warnings.push(`${where}, but ${resolved.path} does not exist: ${reference.attribute === 'file' ? '.NET ignores a missing file=, and so does the ' +
          'backup' : '.NET refuses to load this web.config without it (the application does not start now); the backup goes on without it'}.`);
      }
      followed.push({ ...reference, ...resolved, webConfigPath });
    }
    byWebConfig.set(windowsPathKey(webConfigPath), followed);
  }
  return { byWebConfig, warnings };
}
