/**
 * Property tests over generated web.config pairs (generated-configs.ts) and random corruptions of them:
 * the merge only ever throws CoreError, is idempotent, carries every reference appSettings value, and leaves every
 * byte outside its edits as it was.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mergeWebConfig, readWebConfigSettings, type MergeResult } from '../../../core/webconfig/index';
import { loadWebConfig, type WebConfig } from '../../../core/webconfig/config-model';
import { CoreError } from '../../../core/util/errors';
import { configPairArb, render } from './generated-configs';

const SDK_URL = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';
const isEdit = (action: string) => action === 'Updated' || action === 'Added';

/**
 * The text of `config` with the merge's edits taken out: edited values become a placeholder, inserted elements
 * (with the line break and indentation before them) disappear. Applied to the target and to the output, the two
 * must be identical if nothing outside the edits was touched.
 */
function withoutEdits(config: WebConfig, result: MergeResult, original: WebConfig): string {
  const text = config.doc.text;
  const cuts: [number, number, string][] = [];
  const edited = new Set(result.changes.filter((c) => isEdit(c.Action)).map((c) => `${c.Section}\n${c.Name}`.toLowerCase()));
  const isEdited = (section: string, name: string) => edited.has(`${section}\n${name}`.toLowerCase());
  const removeWithLeadingSpace = (start: number, end: number) => {
    let s = start;
    while (s > 0 && /[ \t\r\n]/.test(text[s - 1])) s--;
    cuts.push([s, end, '']);
  };
  const originalKeys = new Set((original.appSettings?.entries ?? []).map((e) => e.key.toLowerCase()));
  if (config.appSettings && !original.appSettings) {
    removeWithLeadingSpace(config.appSettings.element.start, config.appSettings.element.end);
  } else {
    for (const e of config.appSettings?.entries ?? []) {
      if (!originalKeys.has(e.key.toLowerCase())) removeWithLeadingSpace(e.element.start, e.element.end);
      else if (isEdited('appSettings', e.key)) {
        const v = e.element.attributes.find((a) => a.name === 'value')!;
        cuts.push([v.valueStart, v.valueEnd, '\u0000']);
      }
    }
  }
  const originalSettings = new Set((original.applicationSettings?.groups ?? []).flatMap((g) => g.settings.map((s) => `${g.name}\n${s.name}`.toLowerCase())));
  for (const g of config.applicationSettings?.groups ?? []) {
    for (const s of g.settings) {
      if (!originalSettings.has(`${g.name}\n${s.name}`.toLowerCase())) removeWithLeadingSpace(s.element.start, s.element.end);
      else if (isEdited(`applicationSettings/${g.name}`, s.name)) cuts.push([s.valueElement!.start, s.valueElement!.end, '\u0000']);
    }
  }
  let out = text;
  for (const [start, end, replacement] of cuts.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + replacement + out.slice(end);
  return out;
}

function runMerge(target: Buffer, reference: Buffer, withSdkUrl: boolean, base?: Buffer) {
  const options = { ...(withSdkUrl ? { webServiceSdkUrl: SDK_URL } : {}), ...(base ? { base: { path: 'b', bytes: base } } : {}) };
  return mergeWebConfig({ path: 't', bytes: target }, { path: 'r', bytes: reference }, options);
}

describe('property: generated web.config pairs', () => {
  it('merges: idempotent, every reference value carried, nothing outside the edits touched', () => {
    fc.assert(
      fc.property(configPairArb, fc.boolean(), ({ target, reference }, withSdkUrl) => {
        const targetBytes = render(target);
        const referenceBytes = render(reference);
        const first = runMerge(targetBytes, referenceBytes, withSdkUrl);

        // Idempotent.
        const second = runMerge(first.output, referenceBytes, withSdkUrl);
        assert.equal(second.changed, false);
        assert.ok(second.output.equals(first.output));
        assert.deepEqual(second.changes.filter((c) => isEdit(c.Action)), []);

        // Every reference appSettings value is in the output, under the same key (ignoring case).
        const merged = readWebConfigSettings({ path: 'o', bytes: first.output });
        const mergedValues = new Map(merged.appSettings.map((e) => [e.key.toLowerCase(), e.value]));
        for (const e of readWebConfigSettings({ path: 'r', bytes: referenceBytes }).appSettings) {
          assert.equal(mergedValues.get(e.key.toLowerCase()), e.value, `value of ${JSON.stringify(e.key)}`);
        }
        if (withSdkUrl && readWebConfigSettings({ path: 't', bytes: targetBytes }).sdkUrl !== undefined) assert.equal(merged.sdkUrl, SDK_URL);

        // BOM and bytes outside the edits preserved.
        assert.equal(first.output.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), target.style.bom);
        const original = loadWebConfig({ path: 't', bytes: targetBytes });
        const output = loadWebConfig({ path: 'o', bytes: first.output });
        assert.equal(withoutEdits(output, first, original), withoutEdits(original, first, original));
        assert.equal(first.changed, first.changes.some((c) => isEdit(c.Action)));
      }),
      { numRuns: Number(process.env.WEBCONFIG_RUNS ?? 300) },
    );
  });

  it('three-way with a base: idempotent and only CoreError', () => {
    fc.assert(
      fc.property(configPairArb, configPairArb, ({ target, reference }, { target: base }) => {
        const first = runMerge(render(target), render(reference), false, render(base));
        const second = runMerge(first.output, render(reference), false, render(base));
        assert.equal(second.changed, false);
        assert.ok(second.output.equals(first.output));
      }),
      { numRuns: Number(process.env.WEBCONFIG_RUNS ?? 150) },
    );
  });
});

const mutationArb = fc.record({
  which: fc.constantFrom('target' as const, 'reference' as const),
  at: fc.nat(),
  kind: fc.constantFrom('delete', 'insert', 'duplicate', 'truncate'),
  length: fc.integer({ min: 1, max: 12 }),
  char: fc.constantFrom('<', '>', '&', '"', "'", '/', '=', ' ', 'x', '\u0000', '\u00e9', '<!--', ']]>', '<a>', '</appSettings>', '<appSettings>'),
});

function mutate(bytes: Buffer, m: { at: number; kind: string; length: number; char: string }): Buffer {
  const at = m.at % Math.max(bytes.length, 1);
  switch (m.kind) {
    case 'delete':
      return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + m.length)]);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(m.char, 'utf8'), bytes.subarray(at)]);
    case 'duplicate':
      return Buffer.concat([bytes.subarray(0, at + m.length), bytes.subarray(at)]);
    default:
      return bytes.subarray(0, at);
  }
}

describe('property: corrupted inputs', () => {
  it('throws nothing but CoreError; whatever it accepts it merges idempotently into a valid web.config', () => {
    fc.assert(
      fc.property(configPairArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), ({ target, reference }, mutations) => {
        let t = render(target);
        let r = render(reference);
        for (const m of mutations) {
          if (m.which === 'target') t = mutate(t, m);
          else r = mutate(r, m);
        }
        let first: MergeResult;
        try {
          first = runMerge(t, r, true);
        } catch (e) {
          assert.ok(e instanceof CoreError, `not a CoreError: ${String(e)}`);
          assert.notEqual(e.code, 'WebConfigInternalError', e.message);
          return;
        }
        assert.doesNotThrow(() => loadWebConfig({ path: 'o', bytes: first.output }));
        const second = runMerge(first.output, r, true);
        assert.equal(second.changed, false);
      }),
      { numRuns: Number(process.env.WEBCONFIG_RUNS ?? 400) },
    );
  });
});
