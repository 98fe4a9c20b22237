// The SDK-consumer rules without pwsh: what a file names (structurally), the account beside it, and what the upgrade
// does to a URL (rename, IP address, bindings).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfigFile, sdkAccountIn, sdkReferencesIn, sdkReferencesInText } from '../../../core/webtier/sdk-references';
import { bindingServes, urlEffects, type SdkSite } from '../../../core/webtier/url-effects';
import { redactor } from '../../../core/util/secrets';

const SITE: SdkSite = {
  computerName: 'MFA01',
  dnsName: 'mfa01.contoso.com',
  siteName: 'Default Web Site',
  oldVdir: 'PhoneFactorWebServiceSdk',
  newVdir: 'MultiFactorAuthWebServiceSdk',
  bindings: [{ protocol: 'https', bindingInformation: '*:443:' }],
};

test('references: attributes, leaf elements and setting values; comments are not settings', () => {
  const doc = parseConfigFile('x.config', Buffer.from([
    '<root a="1">',
    '  <!-- <WebServiceSdkUrl>https://old/PfWsSdk.asmx</WebServiceSdkUrl> -->',
    '  <add key="Sdk" value="https://h1/PhoneFactorWebServiceSdk/PfWsSdk.asmx" />',
    '  <endpoint address="https://h2/x/pfwssdk.ASMX" />',
    '  <WebServiceSdkUrl>https://h3/PfWsSdk.asmx</WebServiceSdkUrl>',
    '  <setting name="pfup_pfwssdk_PfWsSdk"><value>https://h4/PfWsSdk.asmx</value></setting>',
    '  <WebServiceSdkUsername>CONTOSO\\svc</WebServiceSdkUsername>',
    '  <WebServiceSdkPassword>p&amp;ss-unit-1</WebServiceSdkPassword>',
    '</root>',
  ].join('\n')));
  assert.deepEqual(sdkReferencesIn(doc).map((r) => [r.setting, r.url]), [
    ['Sdk', 'https://h1/PhoneFactorWebServiceSdk/PfWsSdk.asmx'],
    ['endpoint@address', 'https://h2/x/pfwssdk.ASMX'],
    ['WebServiceSdkUrl', 'https://h3/PfWsSdk.asmx'],
    ['pfup_pfwssdk_PfWsSdk', 'https://h4/PfWsSdk.asmx'],
  ]);
  assert.deepEqual(sdkAccountIn(doc), { username: 'CONTOSO\\svc', password: 'p&ss-unit-1' });
  // The leaf element's password is known to the redactor from now on.
  assert.equal(redactor.redact('x p&ss-unit-1 y'), 'x ******** y');
  assert.deepEqual(sdkReferencesInText('a\nurl=https://h/PfWsSdk.asmx;\n'), [{ setting: 'line 2', url: 'https://h/PfWsSdk.asmx' }]);
});

test('bindings: protocol, port (default by scheme), host header, IP-specific bindings', () => {
  const u = (s: string) => new URL(s);
  assert.equal(bindingServes({ protocol: 'https', bindingInformation: '*:443:' }, u('https://a/x')), true);
  assert.equal(bindingServes({ protocol: 'https', bindingInformation: '*:443:' }, u('https://a:9999/x')), false);
  assert.equal(bindingServes({ protocol: 'http', bindingInformation: '*:443:' }, u('https://a/x')), false);
  assert.equal(bindingServes({ protocol: 'https', bindingInformation: '*:443:sdk.contoso.com' }, u('https://mfa01/x')), false);
  assert.equal(bindingServes({ protocol: 'https', bindingInformation: '*:443:SDK.contoso.com' }, u('https://sdk.contoso.com/x')), true);
  assert.equal(bindingServes({ protocol: 'https', bindingInformation: '10.0.0.5:443:' }, u('https://10.0.0.6/x')), false);
});

test('effects: rename with the new URL, IP address, unbound port; Legacy naming leaves the vdir', () => {
  const renamed = urlEffects('https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx', [SITE], 'New');
  assert.deepEqual(renamed.effects, ['BrokenByRename']);
  assert.equal(renamed.newUrl, 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx');
  assert.deepEqual(urlEffects('https://10.0.0.5:8443/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx', [SITE], 'New').effects, ['IpAddress', 'HostNotBound']);
  const kept = urlEffects('https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx', [{ ...SITE, newVdir: SITE.oldVdir }], 'Legacy');
  assert.deepEqual([kept.effects, kept.newUrl], [['Unchanged'], null]);
  // No SDK among the targets: judged against the default names, and Detail says it was inferred.
  const unknown = urlEffects('https://sdk.fabrikam.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx', [], 'New');
  assert.deepEqual(unknown.effects, ['BrokenByRename']);
  assert.match(unknown.detail, /inferred/);
});
