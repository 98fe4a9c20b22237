/**
 * The SDK URL of one setting of a consumer's file (an IIS application's web.config, the AD FS adapter's config, MIM's
 * MfaSettings.xml) changed to the URL the upgrade gives the SDK, with the merge's own splice (editor.ts): only the
 * characters of the old URL inside that setting's value are replaced; every other byte of the file (encoding, BOM,
 * line ends, comments, other settings) stays as it was. The setting is found by the same walk Get-MfaSdkConsumer uses
 * (named-values.ts). Pure: bytes in, bytes out.
 *
 * What is not edited, and why (the caller makes it a Manual step naming file, setting, old and new URL):
 * - a file that is not XML, or not well-formed (its format is not known well enough to change it safely);
 * - a file with an encrypted section (configProtectionProvider / EncryptedData): the section may hold the URL too,
 *   and it can be changed only through its provider (aspnet_regiis), which this tool does not drive;
 * - a value whose markup does not hold the URL exactly once as plain text (character references; a comment inside the
 *   value naming it too): the splice would have to touch more than the URL's bytes.
 */
import { isCoreError } from '../util/errors';
import { TextEditor } from './editor';
import { decodeWebConfig, encodeWebConfig } from './encoding';
import { internalError } from './errors';
import { encryptedElements, namedValues, type NamedValue } from './named-values';
import { sdkUrlIn } from './sdk-url';
import { parseXml, type XmlDocument } from './xml-tree';
import type { MergeInput } from './types';

export interface SdkUrlChange {
  /** The setting as Get-MfaSdkConsumer names it (appSettings key, applicationSettings setting, element, element@attribute). */
  setting: string;
  oldUrl: string;
  newUrl: string;
}

export type SdkUrlRewrite =
  /** `output` differs from the input only in the URL's characters of `count` value(s). */
  | { kind: 'Rewritten'; output: Buffer; count: number }
  /** The setting holds the new URL and no longer the old one (a step run again, or the admin did it). */
  | { kind: 'AlreadyDone' }
  /** The setting holds neither URL: the file changed since it was planned. */
  | { kind: 'NotFound' }
  | { kind: 'Unsafe'; reason: string };

const holding = (values: NamedValue[], setting: string, url: string) =>
  values.filter((v) => v.name === setting && sdkUrlIn(v.value)?.toLowerCase() === url.toLowerCase());

/** Whether the file can be read structurally; the parsed document or why not. */
function parse(input: MergeInput): { doc: XmlDocument } | { unsafe: string } {
  try {
    return { doc: parseXml(decodeWebConfig(input)) };
  } catch (e) {
    if (!isCoreError(e)) throw e;
    return { unsafe: `it cannot be read as XML (${e.message}), so its format is not known well enough to change it safely` };
  }
}

export function rewriteSdkUrl(input: MergeInput, change: SdkUrlChange): SdkUrlRewrite {
  const parsed = parse(input);
  if ('unsafe' in parsed) return { kind: 'Unsafe', reason: parsed.unsafe };
  const { doc } = parsed;
  const encrypted = encryptedElements(doc);
  if (encrypted.length > 0) {
    const sections = encrypted.map((e) => `<${e.name}>${e.provider ? ` (configProtectionProvider="${e.provider}")` : ''}`).join(', ');
    return {
      kind: 'Unsafe',
      reason: `it has an encrypted section (${sections}) that may hold the SDK URL too; an encrypted section changes only through its ` +
        'protection provider (aspnet_regiis -pdf, edit, aspnet_regiis -pef), which this tool does not run',
    };
  }
  const values = namedValues(doc);
  const old = holding(values, change.setting, change.oldUrl);
  if (old.length === 0) return holding(values, change.setting, change.newUrl).length > 0 ? { kind: 'AlreadyDone' } : { kind: 'NotFound' };
  const editor = new TextEditor(doc);
  for (const v of old) {
    const url = sdkUrlIn(v.value)!;
    const raw = doc.text.slice(v.rawStart, v.rawEnd);
    const at = raw.indexOf(url);
    // Exactly one plain occurrence (CDATA is plain text too): a URL written with character references, or a second
    // one in a comment inside the value, could not be told from the setting's own bytes.
    if (at < 0 || raw.indexOf(url, at + 1) >= 0) {
      return {
        kind: 'Unsafe',
        reason: `the value of ${change.setting} does not hold the URL once as plain text (character references, or a comment inside the value), ` +
          'so changing it would touch more than the URL',
      };
    }
    const markup = v.quote ? editor.escapeAttribute(change.newUrl, v.quote) : editor.escapeText(change.newUrl);
    editor.replace(v.rawStart + at, v.rawStart + at + url.length, markup);
  }
  const output = encodeWebConfig(doc.file, editor.apply());
  // Read back: the setting now holds the new URL and nothing else of the file broke.
  const after = parse({ path: input.path, bytes: output });
  if ('unsafe' in after || holding(namedValues(after.doc), change.setting, change.newUrl).length !== old.length) {
    throw internalError(input.path, 'the file with the new SDK URL did not read back as expected');
  }
  return { kind: 'Rewritten', output, count: old.length };
}

/** Which URL the setting holds now: for a step that waits for the admin (the file may not be XML at all). */
export type SdkUrlState = 'Old' | 'New' | 'Neither';

export function sdkUrlState(input: MergeInput, change: SdkUrlChange): SdkUrlState {
  const parsed = parse(input);
  if ('doc' in parsed) {
    const values = namedValues(parsed.doc);
    if (holding(values, change.setting, change.oldUrl).length > 0) return 'Old';
    return holding(values, change.setting, change.newUrl).length > 0 ? 'New' : 'Neither';
  }
  // Not XML (a script, an .ini): its text, as a reader of lines sees it.
  const b = input.bytes;
  const text = b[0] === 0xff && b[1] === 0xfe ? b.subarray(2).toString('utf16le') : b.toString('utf8');
  const has = (url: string) => text.toLowerCase().includes(url.toLowerCase());
  return has(change.oldUrl) ? 'Old' : has(change.newUrl) ? 'New' : 'Neither';
}
