/**
 * The rewrite of a consumer's SDK URL (webconfig/sdk-url-rewrite.ts): a property test over generated files (UTF-8 with
 * or without BOM, UTF-16, CRLF or LF, the URL in an attribute or in element text, the same URL in a comment and in
 * another setting) that the output differs from the input only where the named setting held the old URL, and there
 * only by the URL's own bytes; then each case the rewrite refuses, with why.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { rewriteSdkUrl, sdkUrlState } from '../../../core/webconfig/index';
import { configPairArb, render } from './generated-configs';

const OLD = 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx';
const NEW = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';

/** Where the consumer's URL stands in a generated file, and what else holds the same URL (must stay). */
const placementArb = fc.record({
  form: fc.constantFrom('attribute-double', 'attribute-single', 'element', 'inside-longer-value'),
  decoyComment: fc.boolean(),
  decoySetting: fc.boolean(),
  utf16: fc.boolean(),
});

function withConsumer(base: Buffer, p: { form: string; decoyComment: boolean; decoySetting: boolean }) {
  const text = base.toString('utf8').replace(/^\uFEFF/, '');
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines: string[] = [];
  if (p.decoyComment) lines.push(`  <!-- the old address was ${OLD} -->`);
  if (p.decoySetting) lines.push(`  <OtherSdkUrl>${OLD}</OtherSdkUrl>`);
  switch (p.form) {
    case 'attribute-double': lines.push(`  <sdk><add key="MfaSdkUrl" value="${OLD}" /></sdk>`); break;
    case 'attribute-single': lines.push(`  <sdk><add key='MfaSdkUrl' value='${OLD}'/></sdk>`); break;
    case 'element': lines.push(`  <MfaSdkUrl>${OLD}</MfaSdkUrl>`); break;
    default: lines.push(`  <sdk><add key="MfaSdkUrl" value="url=${OLD};timeout=30" /></sdk>`);
  }
  const out = text.replace(/<\/configuration>/, `${lines.join(eol)}${eol}</configuration>`);
  return { text: out, bom: base[0] === 0xef };
}

function encode(text: string, bom: boolean, utf16: boolean): Buffer {
  if (utf16) return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  return Buffer.concat([Buffer.from(bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]);
}

/**
 * The oracle: `after` is `before` with exactly `count` occurrences of OLD replaced by NEW and nothing else changed
 * (compared as the file's own code units, after checking the byte-order mark is the same).
 */
function onlyUrlsChanged(before: Buffer, after: Buffer, utf16: boolean): number {
  const skip = utf16 ? 2 : 0;
  assert.ok(before.subarray(0, skip).equals(after.subarray(0, skip)));
  const a = before.subarray(skip).toString(utf16 ? 'utf16le' : 'latin1');
  const b = after.subarray(skip).toString(utf16 ? 'utf16le' : 'latin1');
  let i = 0;
  let j = 0;
  let replaced = 0;
  while (i < a.length || j < b.length) {
    if (a.startsWith(OLD, i) && b.startsWith(NEW, j)) {
      i += OLD.length;
      j += NEW.length;
      replaced++;
    } else {
      assert.equal(b[j], a[i], `byte ${i} changed outside the URL`);
      i++;
      j++;
    }
  }
  return replaced;
}

describe('property: a consumer rewrite changes nothing but the URL bytes', () => {
  it('rewrites the named setting only, byte for byte elsewhere, and a second run changes nothing', () => {
    fc.assert(
      fc.property(configPairArb, placementArb, ({ target }, placement) => {
        const { text, bom } = withConsumer(render(target), placement);
        const input = encode(text, bom, placement.utf16);
        const change = { setting: 'MfaSdkUrl', oldUrl: OLD, newUrl: NEW };
        const r = rewriteSdkUrl({ path: 'app\\web.config', bytes: input }, change);
        assert.equal(r.kind, 'Rewritten', JSON.stringify(r));
        if (r.kind !== 'Rewritten') return;
        assert.equal(r.count, 1);
        assert.equal(onlyUrlsChanged(input, r.output, placement.utf16), 1);
        // The decoys (a comment, another setting, the generated SDK settings) still hold the old URL.
        const count = (b: Buffer) => b.toString(placement.utf16 ? 'utf16le' : 'utf8').split(OLD).length - 1;
        assert.equal(count(r.output), count(input) - 1);
        assert.deepEqual(rewriteSdkUrl({ path: 'app\\web.config', bytes: r.output }, change), { kind: 'AlreadyDone' });
        assert.equal(sdkUrlState({ path: 'x', bytes: r.output }, change), 'New');
        assert.equal(sdkUrlState({ path: 'x', bytes: input }, change), 'Old');
      }),
      { numRuns: 300 },
    );
  });
});

describe('what the rewrite refuses, and why', () => {
  const change = { setting: 'MfaSdkUrl', oldUrl: OLD, newUrl: NEW };
  const rewrite = (text: string) => rewriteSdkUrl({ path: 'C:\\app\\web.config', bytes: Buffer.from(text, 'utf8') }, change);

  it('a file with an encrypted section: the section may hold the URL too', () => {
    const r = rewrite(`<configuration><appSettings><add key="MfaSdkUrl" value="${OLD}"/></appSettings>` +
      '<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider"><EncryptedData/></connectionStrings></configuration>');
    assert.equal(r.kind, 'Unsafe');
    assert.match(r.kind === 'Unsafe' ? r.reason : '', /encrypted section \(<connectionStrings> \(configProtectionProvider="RsaProtectedConfigurationProvider"\)\)/);
    const bare = rewrite(`<configuration><MfaSdkUrl>${OLD}</MfaSdkUrl><appSettings><EncryptedData/></appSettings></configuration>`);
    assert.match(bare.kind === 'Unsafe' ? bare.reason : '', /encrypted section \(<appSettings>\)/);
  });

  it('a URL written with character references, or named again by a comment inside the value: more than its bytes would change', () => {
    const encoded = OLD.replace('https', 'http&#115;');
    assert.equal(rewrite(`<configuration><MfaSdkUrl>${encoded}</MfaSdkUrl></configuration>`).kind, 'Unsafe');
    assert.equal(rewrite(`<configuration><MfaSdkUrl><!-- was ${OLD} -->${OLD}</MfaSdkUrl></configuration>`).kind, 'Unsafe');
    // CDATA is plain text: only the URL's bytes change inside it.
    const cdata = rewrite(`<configuration><MfaSdkUrl><![CDATA[${OLD}]]></MfaSdkUrl></configuration>`);
    assert.equal(cdata.kind === 'Rewritten' ? cdata.output.toString() : cdata.kind, `<configuration><MfaSdkUrl><![CDATA[${NEW}]]></MfaSdkUrl></configuration>`);
  });

  it('not XML (a script): its format is not known well enough', () => {
    const r = rewriteSdkUrl({ path: 'C:\\s.ps1', bytes: Buffer.from(`$url = '${OLD}'\r\n`) }, { ...change, setting: 'line 1' });
    assert.equal(r.kind, 'Unsafe');
    assert.equal(sdkUrlState({ path: 'C:\\s.ps1', bytes: Buffer.from(`$url = '${NEW}'\r\n`) }, change), 'New');
  });

  it('a setting that holds neither URL (the file changed after the plan)', () => {
    assert.deepEqual(rewrite('<configuration><MfaSdkUrl>https://elsewhere/x/PfWsSdk.asmx</MfaSdkUrl></configuration>'), { kind: 'NotFound' });
  });

  it('only the named setting: the same URL under another name stays', () => {
    const r = rewrite(`<configuration><Other>${OLD}</Other><MfaSdkUrl>${OLD}</MfaSdkUrl></configuration>`);
    assert.equal(r.kind === 'Rewritten' ? r.output.toString() : '', `<configuration><Other>${OLD}</Other><MfaSdkUrl>${NEW}</MfaSdkUrl></configuration>`);
  });
});
