/**
 * The regedit export format ("Windows Registry Editor Version 5.00"): parse, edit in memory, write.
 * Used by the lab host (its registry lives in a .reg file) and by backups (Host.exportRegistryKey).
 *
 * Format facts the code relies on:
 * - regedit writes UTF-16LE with a BOM and CRLF line ends; hand-made files are often UTF-8: both are read.
 * - `[HKEY_LOCAL_MACHINE\...]` opens a key, `[-HKEY_...]` deletes a key and its subtree.
 * - `"name"=...` or `@=...` (the default value); strings are quoted with `\\` and `\"` escapes.
 * - `dword:0000001f`; every other type is hex bytes: `hex:` binary, `hex(2):` expand-sz, `hex(7):` multi-sz
 *   (both UTF-16LE with terminating NULs), `hex(b):` qword (little-endian); `"name"=-` deletes a value.
 * - Long hex data is wrapped with a trailing `\` and continued on the next line (indented by two spaces).
 * - The 32-bit view of 64-bit Windows is the literal `SOFTWARE\WOW6432Node` subtree in an export.
 */
import type { RegistryValue, RegistryValueType, RegistryView } from './host';
import { CoreError } from '../util/errors';
import { REGISTRY_ROOTS as ROOTS } from './registry-roots';

export const REG_FILE_HEADER = 'Windows Registry Editor Version 5.00';

/** One key as it appears in a .reg file: full path with the long root name, and its values in file order. */
export interface RegKeyRecord {
  path: string;
  values: RegistryValue[];
}

/** A parsed .reg file as a list of operations, in file order. */
export type RegOperation =
  | { kind: 'key'; path: string; line: number }
  | { kind: 'deleteKey'; path: string; line: number }
  | { kind: 'value'; path: string; value: RegistryValue; line: number }
  | { kind: 'deleteValue'; path: string; name: string; line: number };

/**
 * Host key + view → the key's path in a 64-bit regedit export.
 * 'HKLM\SOFTWARE\X' with view '32' is 'HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\X'; view '64' keeps the path.
 * Only HKLM\SOFTWARE is redirected (as on Windows); a key already naming WOW6432Node is left alone.
 */
export function toRegFilePath(key: string, view: RegistryView, is64BitWindows = true): string {
  const parts = key.split('\\').filter((p) => p !== '');
  if (parts.length === 0) throw new CoreError('RegistryKeyInvalid', 'The registry key path is empty.', key);
  const root = ROOTS[parts[0].toUpperCase()];
  if (!root) {
    throw new CoreError('RegistryKeyInvalid', `The registry key '${key}' does not start with a known root such as HKLM.`, key);
  }
  parts[0] = root;
  const redirect =
    view === '32' &&
    is64BitWindows &&
    root === 'HKEY_LOCAL_MACHINE' &&
    parts.length >= 2 &&
    parts[1].toUpperCase() === 'SOFTWARE' &&
    !(parts.length >= 3 && parts[2].toUpperCase() === 'WOW6432NODE');
  if (redirect) parts.splice(2, 0, 'WOW6432Node');
  return parts.join('\\');
}

// ───────────────────────────── reading ─────────────────────────────

/** Bytes of a .reg file → text: UTF-16LE when it has the FF FE BOM, else UTF-8 (BOM stripped). */
export function decodeRegFileBytes(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}

/** Text → the bytes regedit writes: UTF-16LE with BOM (line ends are the text's own; formatRegFile uses CRLF). */
export function encodeRegFileText(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

function malformed(file: string, line: number, why: string): CoreError {
  return new CoreError('RegistryFileMalformed', `${file}, line ${line}: ${why}`, file, { file, line });
}

/** Parse .reg text into operations. `file` names the file in errors (with the 1-based line). */
export function parseRegFile(text: string, file: string): RegOperation[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  let i = 0;
  while (i < lines.length && lines[i].trim() === '') i++;
  if (i >= lines.length || lines[i].trim() !== REG_FILE_HEADER) {
    throw malformed(file, i + 1, `expected the header '${REG_FILE_HEADER}'.`);
  }
  i++;
  const ops: RegOperation[] = [];
  let current: string | undefined;
  while (i < lines.length) {
    const lineNo = i + 1;
    let line = lines[i++];
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) throw malformed(file, lineNo, 'a key header must end with ].');
      const inner = trimmed.slice(1, -1);
      const del = inner.startsWith('-');
      const path = normaliseFilePath(del ? inner.slice(1) : inner, file, lineNo);
      if (del) {
        ops.push({ kind: 'deleteKey', path, line: lineNo });
        current = undefined;
      } else {
        ops.push({ kind: 'key', path, line: lineNo });
        current = path;
      }
      continue;
    }
    // A value line; hex data may continue over several lines ending with '\'.
    while (line.trimEnd().endsWith('\\') && isHexContinuation(line) && i < lines.length) {
      line = line.trimEnd().slice(0, -1) + lines[i++].trim();
    }
    if (current === undefined) throw malformed(file, lineNo, 'a value appears before any [key] header.');
    const { name, rest } = readValueName(line, file, lineNo);
    if (rest === '-') {
      ops.push({ kind: 'deleteValue', path: current, name, line: lineNo });
      continue;
    }
    ops.push({ kind: 'value', path: current, value: { name, ...readValueData(rest, file, lineNo) }, line: lineNo });
  }
  return ops;
}

/** A trailing backslash continues a line only for hex data (a string value may legitimately end in '\\"'). */
function isHexContinuation(line: string): boolean {
  return /=\s*hex(\([0-9a-f]+\))?:/i.test(line);
}

function normaliseFilePath(path: string, file: string, line: number): string {
  const parts = path.split('\\');
  if (parts.some((p) => p === '')) throw malformed(file, line, `the key path '${path}' has an empty component.`);
  const root = ROOTS[parts[0].toUpperCase()];
  if (!root) throw malformed(file, line, `the key path '${path}' does not start with a registry root such as HKEY_LOCAL_MACHINE.`);
  parts[0] = root;
  return parts.join('\\');
}

function readValueName(line: string, file: string, lineNo: number): { name: string; rest: string } {
  const s = line.trimStart();
  if (s.startsWith('@')) {
    const eq = s.indexOf('=');
    if (eq < 0 || s.slice(1, eq).trim() !== '') throw malformed(file, lineNo, "expected '@=' for the default value.");
    return { name: '', rest: s.slice(eq + 1).trim() };
  }
  if (!s.startsWith('"')) throw malformed(file, lineNo, 'expected a value name in double quotes, @, or a [key] header.');
  const { text, end } = readQuoted(s, 0, file, lineNo);
  const after = s.slice(end).trimStart();
  if (!after.startsWith('=')) throw malformed(file, lineNo, "expected '=' after the value name.");
  return { name: text, rest: after.slice(1).trim() };
}

/** Read a quoted string starting at s[start] === '"'; returns the unescaped text and the index after the closing quote. */
function readQuoted(s: string, start: number, file: string, lineNo: number): { text: string; end: number } {
  let out = '';
  for (let i = start + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') {
      const n = s[i + 1];
      if (n === undefined) break;
      out += n; // regedit escapes only \ and "; anything else after a backslash stands for itself
      i++;
    } else if (c === '"') {
      return { text: out, end: i + 1 };
    } else {
      out += c;
    }
  }
  throw malformed(file, lineNo, 'a quoted string is not closed.');
}

function readValueData(rest: string, file: string, lineNo: number): { type: RegistryValueType; data: RegistryValue['data'] } {
  if (rest.startsWith('"')) {
    const { text, end } = readQuoted(rest, 0, file, lineNo);
    if (rest.slice(end).trim() !== '') throw malformed(file, lineNo, 'unexpected text after the closing quote.');
    return { type: 'REG_SZ', data: text };
  }
  const dword = /^dword:([0-9a-fA-F]{1,8})$/.exec(rest);
  if (dword) return { type: 'REG_DWORD', data: parseInt(dword[1], 16) };
  const hex = /^hex(?:\(([0-9a-fA-F]+)\))?:(.*)$/s.exec(rest);
  if (!hex) throw malformed(file, lineNo, `unrecognised value data '${rest.slice(0, 40)}'.`);
  const kind = hex[1] === undefined ? 3 : parseInt(hex[1], 16);
  const bytes = parseHexBytes(hex[2], file, lineNo);
  switch (kind) {
    case 3:
      return { type: 'REG_BINARY', data: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(',') };
    case 1:
      return { type: 'REG_SZ', data: utf16z(bytes, file, lineNo)[0] ?? '' };
    case 2:
      return { type: 'REG_EXPAND_SZ', data: utf16z(bytes, file, lineNo)[0] ?? '' };
    case 7:
      return { type: 'REG_MULTI_SZ', data: utf16z(bytes, file, lineNo) };
    case 4:
      if (bytes.length !== 4) throw malformed(file, lineNo, 'a hex(4) DWORD must have 4 bytes.');
      return { type: 'REG_DWORD', data: bytes.readUInt32LE(0) };
    case 0xb: {
      if (bytes.length !== 8) throw malformed(file, lineNo, 'a hex(b) QWORD must have 8 bytes.');
      const n = bytes.readBigUInt64LE(0);
      if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(file, lineNo, 'the QWORD is too large for this tool.');
      return { type: 'REG_QWORD', data: Number(n) };
    }
    default:
      throw malformed(file, lineNo, `value type hex(${hex[1]}) is not supported (only strings, DWORD, QWORD, multi-string, expandable string and binary).`);
  }
}

function parseHexBytes(text: string, file: string, lineNo: number): Buffer {
  const t = text.replace(/\s+/g, '');
  if (t === '') return Buffer.alloc(0);
  const parts = t.split(',');
  if (parts[parts.length - 1] === '') parts.pop();
  const out = Buffer.alloc(parts.length);
  parts.forEach((p, i) => {
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) throw malformed(file, lineNo, `'${p}' is not a hex byte.`);
    out[i] = parseInt(p, 16);
  });
  return out;
}

/** UTF-16LE NUL-separated strings (the trailing empty terminator(s) dropped). */
function utf16z(bytes: Buffer, file: string, lineNo: number): string[] {
  if (bytes.length % 2 !== 0) throw malformed(file, lineNo, 'string data must have an even number of bytes (UTF-16LE).');
  const parts = bytes.toString('utf16le').split('\0');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

// ───────────────────────────── the in-memory registry ─────────────────────────────

/**
 * A registry as regedit would export it: keys with full long-root paths, compared case-insensitively,
 * kept in insertion order. Creating a key creates its missing parents, as RegCreateKeyEx does.
 */
export class RegistryTree {
  private readonly keys = new Map<string, RegKeyRecord>();

  static fromOperations(ops: RegOperation[]): RegistryTree {
    const tree = new RegistryTree();
    for (const op of ops) {
      if (op.kind === 'key') tree.ensureKey(op.path);
      else if (op.kind === 'deleteKey') tree.deleteKey(op.path);
      else if (op.kind === 'value') tree.setValue(op.path, op.value);
      else tree.deleteValue(op.path, op.name);
    }
    return tree;
  }

  static parse(text: string, file: string): RegistryTree {
    return RegistryTree.fromOperations(parseRegFile(text, file));
  }

  getKey(path: string): RegKeyRecord | undefined {
    return this.keys.get(path.toLowerCase());
  }

  /** Names of the direct subkeys (their own spelling). */
  subkeyNames(path: string): string[] {
    const prefix = path.toLowerCase() + '\\';
    const names: string[] = [];
    for (const [k, rec] of this.keys) {
      if (k.startsWith(prefix) && !k.slice(prefix.length).includes('\\')) names.push(rec.path.slice(prefix.length));
    }
    return names;
  }

  ensureKey(path: string): RegKeyRecord {
    const existing = this.keys.get(path.toLowerCase());
    if (existing) return existing;
    const parts = path.split('\\');
    // Roots themselves are never written as keys; create each missing ancestor below the root.
    for (let n = 2; n < parts.length; n++) {
      const ancestor = parts.slice(0, n).join('\\');
      if (!this.keys.has(ancestor.toLowerCase())) this.keys.set(ancestor.toLowerCase(), { path: ancestor, values: [] });
    }
    const rec = { path, values: [] };
    this.keys.set(path.toLowerCase(), rec);
    return rec;
  }

  setValue(path: string, value: RegistryValue): void {
    const rec = this.ensureKey(path);
    const i = rec.values.findIndex((v) => v.name.toLowerCase() === value.name.toLowerCase());
    if (i >= 0) rec.values[i] = { ...value, name: rec.values[i].name };
    else rec.values.push({ ...value });
  }

  deleteValue(path: string, name: string): void {
    const rec = this.getKey(path);
    if (rec) rec.values = rec.values.filter((v) => v.name.toLowerCase() !== name.toLowerCase());
  }

  /** Delete a key and its subtree; returns whether anything was there. */
  deleteKey(path: string): boolean {
    const lower = path.toLowerCase();
    let found = false;
    for (const k of [...this.keys.keys()]) {
      if (k === lower || k.startsWith(lower + '\\')) {
        this.keys.delete(k);
        found = true;
      }
    }
    return found;
  }

  /** The key and its subtree, parents before children (sorted like regedit: case-insensitive by path). */
  subtree(path: string): RegKeyRecord[] {
    const lower = path.toLowerCase();
    return this.all().filter((r) => {
      const k = r.path.toLowerCase();
      return k === lower || k.startsWith(lower + '\\');
    });
  }

  all(): RegKeyRecord[] {
    return [...this.keys.values()].sort((a, b) => compareKeyPaths(a.path, b.path));
  }

  /** The whole registry as .reg text (CRLF). */
  format(): string {
    return formatRegFile(this.all());
  }
}

/** Order keys as regedit exports them: depth-first, siblings in case-insensitive name order. */
function compareKeyPaths(a: string, b: string): number {
  const pa = a.toLowerCase().split('\\');
  const pb = b.toLowerCase().split('\\');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

// ───────────────────────────── writing ─────────────────────────────

/** Keys → .reg text with CRLF, a blank line after the header and after each key, as regedit writes it. */
export function formatRegFile(keys: RegKeyRecord[]): string {
  const out: string[] = [REG_FILE_HEADER, ''];
  for (const key of keys) {
    out.push(`[${key.path}]`);
    for (const v of key.values) out.push(formatValue(v));
    out.push('');
  }
  return out.join('\r\n') + '\r\n';
}

function quote(s: string): string {
  return '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

/** One value line (possibly wrapped): `"name"=data`. */
export function formatValue(v: RegistryValue): string {
  const head = v.name === '' ? '@=' : `${quote(v.name)}=`;
  switch (v.type) {
    case 'REG_SZ':
      return head + quote(String(v.data));
    case 'REG_DWORD':
      return head + 'dword:' + (Number(v.data) >>> 0).toString(16).padStart(8, '0');
    case 'REG_QWORD': {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(BigInt(Number(v.data)));
      return wrapHex(head + 'hex(b):', b);
    }
    case 'REG_EXPAND_SZ':
      return wrapHex(head + 'hex(2):', Buffer.from(String(v.data) + '\0', 'utf16le'));
    case 'REG_MULTI_SZ': {
      const list = Array.isArray(v.data) ? v.data : [String(v.data)];
      return wrapHex(head + 'hex(7):', Buffer.from(list.map((s) => s + '\0').join('') + '\0', 'utf16le'));
    }
    case 'REG_BINARY': {
      const hex = String(v.data).trim();
      const bytes = hex === '' ? Buffer.alloc(0) : Buffer.from(hex.split(',').map((h) => parseInt(h, 16)));
      return wrapHex(head + 'hex:', bytes);
    }
  }
}

/** regedit wraps hex data near column 80: `,\` at the end, two spaces at the start of the next line. */
function wrapHex(prefix: string, bytes: Buffer): string {
  let line = prefix;
  const lines: string[] = [];
  bytes.forEach((b, i) => {
    const last = i === bytes.length - 1;
    line += b.toString(16).padStart(2, '0') + (last ? '' : ',');
    if (!last && line.length >= 76) {
      lines.push(line + '\\');
      line = '  ';
    }
  });
  lines.push(line);
  return lines.join('\r\n');
}

/** A key and its subtree as a complete .reg text (what `reg export` / regedit produce for that key). */
export function exportRegistrySubtree(tree: RegistryTree, regFilePath: string): string {
  return formatRegFile(tree.subtree(regFilePath));
}

/** What an export holds: the exported key (the file's first key, spelled as the exporter wrote it) and its subtree. */
export interface ReadExport {
  rootPath: string;
  tree: RegistryTree;
}

/** Parses the text of an export (`reg export`, Host.exportRegistryKey); undefined when it names no key at all. */
export function readExport(text: string, source: string): ReadExport | undefined {
  const operations = parseRegFile(text, source);
  // Whether the 32-bit view is written under WOW6432Node depends on the exporter: take the path the file uses.
  const root = operations.find((op) => op.kind === 'key');
  return root ? { rootPath: root.path, tree: RegistryTree.fromOperations(operations) } : undefined;
}
