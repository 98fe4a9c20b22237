/**
 * Why this file: a registry key path is checked and normalised once before any reg.exe command line is built from
 * it.
 */
import { CoreError } from '../../util/errors';
import { REGISTRY_ROOTS as ROOTS } from '../registry-roots';

/**
 * Checks a key path before it reaches reg.exe and returns it without trailing backslashes
 * (`reg query "HKLM\X\"` would be read as an escaped quote).
 */
export function checkRegistryKeyPath(key: string): string {
  const trimmed = key.replace(/\\+$/, '');
  const root = trimmed.split('\\')[0].toUpperCase();
  if (!(root in ROOTS) || /["\r\n\0]/.test(trimmed) || trimmed.includes('\\\\')) {
    throw new CoreError('RegistryKeyInvalid', `"${key}" is not a registry key path reg.exe can address (expected e.g. HKLM\\SOFTWARE\\Vendor).`, key);
  }
  return trimmed;
}

/**
 * A comparable form of a key path: long root name, lower case (registry names are case-insensitive), and without
 * `Wow6432Node` segments, since whether reg.exe prints the redirected name in the 32-bit view is not something
 * this adapter relies on.
 */
export function comparableKeyPath(key: string): string {
  const segments = key.replace(/\\+$/, '').split('\\');
  const root = ROOTS[segments[0].toUpperCase()] ?? segments[0];
  const rest = segments.slice(1).filter((s) => s.toLowerCase() !== 'wow6432node');
  return [root, ...rest].join('\\').toLowerCase();
}
