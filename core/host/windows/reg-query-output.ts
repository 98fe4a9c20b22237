/**
 * Why this file: reg.exe answers in text; this reads that text (captured from real Windows in test/fixtures/windows)
 * into registry values.
 */
import type { RegistryValue, RegistryValueType } from '../host';
import { CoreError } from '../../util/errors';
import { comparableKeyPath } from './registry-key-path';

/** One key as reg.exe prints it: a header line with the full path, then its values indented by four spaces. */
export interface RegQueryBlock {
  path: string;
  values: RegistryValue[];
}

const KNOWN_TYPES = new Set<string>(['REG_SZ', 'REG_EXPAND_SZ', 'REG_DWORD', 'REG_QWORD', 'REG_MULTI_SZ', 'REG_BINARY']);

/** `    Name    REG_TYPE    data`; data (and its separator) is absent for some empty values. */
const VALUE_LINE = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/** reg.exe's name for the unnamed (default) value, and what it prints when the default value has no data. */
const DEFAULT_NAME = '(Default)';
const DEFAULT_NOT_SET = '(value not set)';

function unreadable(source: string, detail: string): CoreError {
  return new CoreError('RegistryOutputUnreadable', `reg.exe output for ${source} could not be read: ${detail}.`, source);
}

function parseData(type: RegistryValueType, raw: string, name: string, source: string): RegistryValue['data'] {
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
      return raw;
    case 'REG_DWORD':
    case 'REG_QWORD': {
      if (!/^0x[0-9a-f]+$/i.test(raw)) throw unreadable(source, `value "${name}" is ${type} but shows "${raw}"`);
      const n = Number.parseInt(raw.slice(2), 16);
      if (!Number.isSafeInteger(n)) throw unreadable(source, `value "${name}" (${raw}) is too large for this tool`);
      return n;
    }
    case 'REG_MULTI_SZ':
      // reg.exe shows the strings joined by a literal backslash-zero.
      return raw === '' ? [] : raw.split('\\0');
    case 'REG_BINARY': {
      if (!/^([0-9a-f]{2})*$/i.test(raw)) throw unreadable(source, `value "${name}" is REG_BINARY but shows "${raw}"`);
      return (raw.toLowerCase().match(/../g) ?? []).join(',');
    }
  }
}

/**
 * Splits reg.exe query output (with or without /s) into key blocks. Values of types this tool never uses
 * (REG_NONE, resource lists...) are left out; a malformed line makes the whole output unreadable, since
 * guessing could misreport an installed product.
 */
export function parseRegQueryBlocks(stdout: string, source: string): RegQueryBlock[] {
  const blocks: RegQueryBlock[] = [];
  let current: RegQueryBlock | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (/^HKEY_/i.test(line)) {
      current = { path: line, values: [] };
      blocks.push(current);
      continue;
    }
    if (/^End of search:/i.test(line)) continue; // summary printed by /f searches
    const m = VALUE_LINE.exec(line);
    if (!m || !current) throw unreadable(source, `unexpected line "${line}"`);
    const [, rawName, type, rawData = ''] = m;
    if (!KNOWN_TYPES.has(type)) continue;
    const isDefault = rawName === DEFAULT_NAME;
    if (isDefault && rawData === DEFAULT_NOT_SET) continue;
    const name = isDefault ? '' : rawName;
    current.values.push({ name, type: type as RegistryValueType, data: parseData(type as RegistryValueType, rawData, rawName, source) });
  }
  return blocks;
}

/**
 * Reads the output of `reg query "<key>"` (without /s): the block whose header is the key itself holds its values
 * (reg.exe prints no header for a key without values); every other header is a direct subkey.
 */
export function parseRegQueryKey(stdout: string, key: string): { values: RegistryValue[]; subkeys: string[] } {
  const self = comparableKeyPath(key);
  const values: RegistryValue[] = [];
  const subkeys: string[] = [];
  for (const block of parseRegQueryBlocks(stdout, key)) {
    if (comparableKeyPath(block.path) === self) {
      values.push(...block.values);
    } else {
      subkeys.push(block.path.slice(block.path.lastIndexOf('\\') + 1));
    }
  }
  return { values, subkeys };
}
