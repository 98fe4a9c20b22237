/**
 * fast-check generators of web.config pairs for the property tests: random keys and values (characters that need
 * escaping, non-ASCII, tabs and line breaks), CRLF or LF, BOM or not, indentation, quote and self-closing styles,
 * comments, <location> blocks, and files that share some keys (in a different case) with each other.
 */
import fc from 'fast-check';

export interface Style {
  eol: '\n' | '\r\n';
  bom: boolean;
  indent: string;
  declaration: boolean;
  selfClose: ' />' | '/>' | '></add>';
  comments: boolean;
}

export interface Entry {
  key: string;
  value: string;
  quote: '"' | "'";
  numericRefs: boolean;
}

export interface Setting {
  name: string;
  value: string;
  cdata: boolean;
}

export interface Group {
  name: string;
  settings: Setting[];
}

export interface ConfigModel {
  style: Style;
  appSettings: Entry[] | null;
  groups: Group[] | null;
  locationKey: string | null;
  customErrors: string;
}

const KEY_CHARS = ['A', 'b', 'Z', '_', '0', '9', ':', '.', '-', ' ', '&', '<', '>', '"', "'", 'ü', 'Z', '日'];
const VALUE_CHARS = ['a', 'Z', '0', ' ', '&', '<', '>', '"', "'", ';', '#', '\t', '\n', '\r', 'ü', 'Zürich', '日本語', '𝄞', ']]>'];

const keyArb = fc.string({ unit: fc.constantFrom(...KEY_CHARS), minLength: 1, maxLength: 8 });
const valueArb = fc.string({ unit: fc.constantFrom(...VALUE_CHARS), maxLength: 8 });
const SDK_NAMES = ['pfup_pfwssdk_PfWsSdk', 'pfpaws_pfwssdk_PfWsSdk', 'WebServiceSdkUrl'];
const GROUP_NAMES = ['pfup.Properties.Settings', 'PFUP.Properties.Settings', 'pfpaws.Properties.Settings', 'Other.Settings'];

const styleArb: fc.Arbitrary<Style> = fc.record({
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  bom: fc.boolean(),
  indent: fc.constantFrom('  ', '    ', '\t'),
  declaration: fc.boolean(),
  selfClose: fc.constantFrom(' />' as const, '/>' as const, '></add>' as const),
  comments: fc.boolean(),
});

const toggleCase = (s: string) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');

function entriesArb(pool: string[]): fc.Arbitrary<Entry[]> {
  return fc.subarray(pool).chain((keys) =>
    fc.tuple(...keys.map((k) => fc.record({ key: fc.constantFrom(k, toggleCase(k)), value: valueArb, quote: fc.constantFrom('"' as const, "'" as const), numericRefs: fc.boolean() }))),
  );
}

const sdkValueArb = fc.oneof(valueArb, fc.constantFrom('https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx', 'https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx'));

function groupsArb(settingPool: string[]): fc.Arbitrary<Group[]> {
  const setting = (name: string) => fc.record({ name: fc.constant(name), value: SDK_NAMES.includes(name) ? sdkValueArb : valueArb, cdata: fc.boolean() });
  const group = fc.record({
    name: fc.constantFrom(...GROUP_NAMES),
    settings: fc.subarray(settingPool, { minLength: 1 }).chain((names) => fc.tuple(...names.map(setting))),
  });
  return fc.uniqueArray(group, { selector: (g) => g.name.toLowerCase(), minLength: 0, maxLength: 2 });
}

function configArb(keyPool: string[], settingPool: string[]): fc.Arbitrary<ConfigModel> {
  return fc.record({
    style: styleArb,
    appSettings: fc.option(entriesArb(keyPool), { freq: 6 }),
    groups: fc.option(groupsArb(settingPool), { freq: 4 }),
    locationKey: fc.option(keyArb),
    customErrors: fc.constantFrom('On', 'Off', 'RemoteOnly'),
  });
}

/** A target and a reference that share a pool of keys and setting names. */
export const configPairArb = fc
  .record({
    keys: fc.uniqueArray(keyArb, { selector: (k) => k.toLowerCase(), maxLength: 7 }),
    settings: fc.uniqueArray(fc.oneof(fc.constantFrom(...SDK_NAMES), keyArb.map((k) => `S${k}`)), { selector: (k) => k.toLowerCase(), minLength: 1, maxLength: 4 }),
  })
  .chain(({ keys, settings }) => fc.record({ target: configArb(keys, settings), reference: configArb(keys, settings) }));

function escapeAttribute(value: string, quote: '"' | "'", numericRefs: boolean): string {
  return value.replace(/[&<>"'\t\n\r]/g, (c) => {
    if (c === '&') return numericRefs ? '&#38;' : '&amp;';
    if (c === '<') return '&lt;';
    if (c === '>') return numericRefs ? '&gt;' : '>';
    if (c === '"' || c === "'") return c !== quote ? c : c === '"' ? '&quot;' : '&apos;';
    return `&#${c.charCodeAt(0)};`;
  });
}

function escapeText(value: string, cdata: boolean): string {
  if (cdata && !value.includes(']]>') && !value.includes('\r')) return `<![CDATA[${value}]]>`;
  return value.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
}

export function render(model: ConfigModel): Buffer {
  const { eol, indent: i, selfClose, comments } = model.style;
  const lines: string[] = [];
  const line = (depth: number, s: string) => lines.push(i.repeat(depth) + s);
  const add = (e: Entry) => {
    const q = e.quote;
    return `<add key=${q}${escapeAttribute(e.key, q, e.numericRefs)}${q} value=${q}${escapeAttribute(e.value, q, e.numericRefs)}${q}${selfClose}`;
  };
  if (model.style.declaration) lines.push('<?xml version="1.0" encoding="utf-8"?>');
  lines.push('<configuration>');
  if (comments) line(1, '<!-- generated: & < > are fine in a comment -->');
  if (model.appSettings) {
    line(1, '<appSettings>');
    model.appSettings.forEach((e, n) => {
      if (comments && n === 1) line(2, '<!-- a comment between entries -->');
      line(2, add(e));
    });
    if (comments) line(2, '<remove key="OBSOLETE" />');
    line(1, '</appSettings>');
  }
  if (model.groups) {
    line(1, '<applicationSettings>');
    for (const g of model.groups) {
      line(2, `<${g.name}>`);
      for (const s of g.settings) {
        line(3, `<setting name="${escapeAttribute(s.name, '"', false)}" serializeAs="String">`);
        line(4, `<value>${escapeText(s.value, s.cdata)}</value>`);
        line(3, '</setting>');
      }
      line(2, `</${g.name}>`);
    }
    line(1, '</applicationSettings>');
  }
  if (model.locationKey !== null) {
    line(1, '<location path="Help">');
    line(2, `<appSettings><add key="${escapeAttribute(model.locationKey, '"', false)}" value="loc" /></appSettings>`);
    line(1, '</location>');
  }
  line(1, '<system.web>');
  line(2, `<customErrors mode="${model.customErrors}" />`);
  line(1, '</system.web>');
  lines.push('</configuration>', '');
  const text = lines.join(eol);
  return Buffer.concat([Buffer.from(model.style.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
}
