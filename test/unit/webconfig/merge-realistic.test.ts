/**
 * The realistic merges: a PhoneFactor-era backup carried into the MFA Server default, for the User portal and the
 * Mobile App Web Service, with and without the old pristine default (base). Each test states the exact change list
 * and the exact output bytes: the target with only the edited values and the inserted lines changed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeWebConfig, type MergeOptions } from '../../../core/webconfig/index';
import { BOM, fixture, row, text, withEdits } from './helpers';

const portal = {
  target: fixture('userportal/multifactorauth-default.web.config'),
  reference: fixture('userportal/phonefactor-backup.web.config'),
  base: fixture('userportal/phonefactor-default.web.config'),
};
const mobile = {
  target: fixture('mobileapp/multifactorauth-default.web.config'),
  reference: fixture('mobileapp/phonefactor-backup.web.config'),
  base: fixture('mobileapp/phonefactor-default.web.config'),
};

const PORTAL_SETTINGS = [
  'Updated appSettings USE_WEB_SERVICE_SDK "false" -> "true"',
  'Updated appSettings WEB_SERVICE_SDK_AUTHENTICATION_USERNAME "" -> "CONTOSO\\\\svc-pfsdk"',
  'Updated appSettings WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD "********" -> "********"',
  'Added appSettings SSL_REQUIRED ∅ -> "false"',
  'Added appSettings HELP_DESK_URL ∅ -> "https://helpdesk.contoso.com/mfa?lang=en&site=portal"',
  'OnlyInNew appSettings ValidationSettings:UnobtrusiveValidationMode "None" -> "None"',
  'Updated applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk "https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx" -> "https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx" [sdk]',
];

const PORTAL_SETTING_EDITS: [string, string][] = [
  ['<add key="USE_WEB_SERVICE_SDK" value="false"/>', '<add key="USE_WEB_SERVICE_SDK" value="true"/>'],
  ['<add key="WEB_SERVICE_SDK_AUTHENTICATION_USERNAME" value=""/>', '<add key="WEB_SERVICE_SDK_AUTHENTICATION_USERNAME" value="CONTOSO\\svc-pfsdk"/>'],
  ['<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value=""/>', '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="Winter2015!&amp;Sn0w"/>'],
  [
    '<add key="ValidationSettings:UnobtrusiveValidationMode" value="None"/>\n',
    '<add key="ValidationSettings:UnobtrusiveValidationMode" value="None"/>\n' +
      '        <add key="SSL_REQUIRED" value="false"/>\n' +
      '        <add key="HELP_DESK_URL" value="https://helpdesk.contoso.com/mfa?lang=en&amp;site=portal"/>\n',
  ],
  ['<value>https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx</value>', '<value>https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx</value>'],
];

function mergeTwice(t: typeof portal, options: MergeOptions) {
  const first = mergeWebConfig(t.target, t.reference, options);
  const second = mergeWebConfig({ path: t.target.path, bytes: first.output }, t.reference, options);
  return { first, second };
}

describe('User portal: PhoneFactor backup into the MultiFactorAuth default', () => {
  it('three-way (with the old default): carries settings, applies admin changes, reports the conflict', () => {
    const { first } = mergeTwice(portal, { base: portal.base });
    assert.deepEqual(first.changes.map(row), [
      ...PORTAL_SETTINGS,
      'Updated system.web/customErrors mode "RemoteOnly" -> "On"',
      'Updated system.web/httpRuntime maxRequestLength "4096" -> "8192"',
      'Added system.web/httpRuntime executionTimeout ∅ -> "180"',
      'Updated system.web/pages theme "Default" -> "Contoso"',
      'Conflict system.web/sessionState timeout "15" -> "60"',
      'Review system.webServer/httpProtocol (element) ∅ -> "<httpProtocol>"',
      "Review location[@path='Help']/appSettings (element) ∅ -> \"<appSettings>\"",
    ]);
    const expected = withEdits(text(portal.target.bytes), [
      ...PORTAL_SETTING_EDITS,
      ['<customErrors mode="RemoteOnly"', '<customErrors mode="On"'],
      [
        '<httpRuntime targetFramework="4.5" maxRequestLength="4096" enableVersionHeader="false"/>',
        '<httpRuntime targetFramework="4.5" maxRequestLength="8192" enableVersionHeader="false" executionTimeout="180"/>',
      ],
      ['theme="Default"', 'theme="Contoso"'],
    ]);
    assert.equal(first.changed, true);
    assert.ok(first.output.equals(Buffer.from(expected, 'utf8')), 'output is the target with exactly the listed edits');
  });

  it('two-way (no base): carries the two sections only and reports other differences as Review', () => {
    const { first } = mergeTwice(portal, {});
    assert.deepEqual(first.changes.map(row), [
      ...PORTAL_SETTINGS,
      'Review system.web/compilation/assemblies (element) ∅ -> "<assemblies>"',
      'Review system.web/customErrors mode "RemoteOnly" -> "On"',
      'Review system.web/httpRuntime maxRequestLength "4096" -> "8192"',
      'Review system.web/httpRuntime executionTimeout ∅ -> "180"',
      'Review system.web/pages theme "Default" -> "Contoso"',
      'Review system.web/sessionState timeout "15" -> "60"',
      'Review system.webServer/httpProtocol (element) ∅ -> "<httpProtocol>"',
      "Review location[@path='Help']/appSettings (element) ∅ -> \"<appSettings>\"",
    ]);
    assert.equal(text(first.output), withEdits(text(portal.target.bytes), PORTAL_SETTING_EDITS));
  });

  it('is idempotent: a second run changes nothing and reports no edit', () => {
    for (const options of [{}, { base: portal.base }]) {
      const { first, second } = mergeTwice(portal, options);
      assert.equal(second.changed, false);
      assert.ok(second.output.equals(first.output));
      assert.deepEqual(second.changes.filter((c) => c.Action === 'Updated' || c.Action === 'Added'), []);
      const before = first.changes.filter((c) => c.Action === 'Conflict' || c.Action === 'Review').map(row);
      assert.deepEqual(second.changes.filter((c) => c.Action === 'Conflict' || c.Action === 'Review').map(row), before);
    }
  });

  it('writes an explicit SDK URL instead of the old one', () => {
    const url = 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx';
    const { first, second } = mergeTwice(portal, { webServiceSdkUrl: url });
    const sdk = first.changes.filter((c) => c.IsSdkUrl);
    assert.deepEqual(sdk.map(row), [
      `Updated applicationSettings/pfup.Properties.Settings pfup_pfwssdk_PfWsSdk "https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx" -> "${url}" [sdk]`,
    ]);
    assert.ok(text(first.output).includes(`<value>${url}</value>`));
    assert.deepEqual(second.changes.filter((c) => c.IsSdkUrl).map((c) => c.Action), ['Unchanged']);
  });

  it('keeps the target without BOM and with LF, although the reference has a BOM and CRLF', () => {
    assert.equal(portal.reference.bytes.subarray(0, 3).toString('hex'), 'efbbbf');
    const out = mergeWebConfig(portal.target, portal.reference).output;
    assert.notEqual(out.subarray(0, 3).toString('hex'), 'efbbbf');
    assert.ok(!out.includes('\r'));
  });
});

describe('secrets in the realistic merges', () => {
  it('never show the SDK password, raw or decoded, in any change of any merge', () => {
    const secrets = ['Winter2015!&Sn0w', 'Winter2015!&amp;Sn0w', 'Winter2015', 'T"ree$Frog2016', 'T&quot;ree$Frog2016', 'Frog2016'];
    for (const t of [portal, mobile]) {
      for (const options of [{}, { base: t.base }, { webServiceSdkUrl: 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx' }]) {
        const reported = JSON.stringify(mergeWebConfig(t.target, t.reference, options).changes);
        for (const secret of secrets) assert.ok(!reported.includes(secret), `${secret} leaked`);
        const reverse = JSON.stringify(mergeWebConfig(t.reference, t.target, options).changes);
        for (const secret of secrets) assert.ok(!reverse.includes(secret), `${secret} leaked (reverse merge)`);
      }
    }
  });
});

describe('Mobile App Web Service: PhoneFactor backup into the MultiFactorAuth default', () => {
  const settings = [
    'Updated appSettings USE_WEB_SERVICE_SDK "false" -> "true"',
    'Updated appSettings WEB_SERVICE_SDK_AUTHENTICATION_USERNAME "" -> "CONTOSO\\\\svc-pfsdk"',
    'Updated appSettings WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD "********" -> "********"',
    'Added appSettings SSL_REQUIRED ∅ -> "false"',
    // Different setting names and group names in the two files: paired by role.
    'Updated applicationSettings/MultiFactorAuthMobileAppWebService.Properties.Settings MultiFactorAuthMobileAppWebService_WebServiceSdkUrl "https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx" -> "https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx" [sdk]',
  ];
  const settingEdits: [string, string][] = [
    ['<add key="USE_WEB_SERVICE_SDK" value="false" />', '<add key="USE_WEB_SERVICE_SDK" value="true" />'],
    ['<add key="WEB_SERVICE_SDK_AUTHENTICATION_USERNAME" value="" />', '<add key="WEB_SERVICE_SDK_AUTHENTICATION_USERNAME" value="CONTOSO\\svc-pfsdk" />'],
    [
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="" />\r\n',
      // The password's quote is escaped for the target's double-quoted attribute; the new key goes right after
      // the last entry (before the trailing comment), tab-indented and CRLF like its neighbours.
      '<add key="WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD" value="T&quot;ree$Frog2016" />\r\n\t\t<add key="SSL_REQUIRED" value="false" />\r\n',
    ],
    ['<value>https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx</value>', '<value>https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx</value>'],
  ];

  it('three-way: exact changes and bytes (BOM, CRLF and tabs kept)', () => {
    const { first, second } = mergeTwice(mobile, { base: mobile.base });
    assert.deepEqual(first.changes.map(row), [...settings, 'Updated system.web/customErrors mode "RemoteOnly" -> "Off"']);
    const expected = withEdits(text(mobile.target.bytes), [...settingEdits, ['<customErrors mode="RemoteOnly" />', '<customErrors mode="Off" />']]);
    assert.ok(expected.startsWith(BOM));
    assert.ok(first.output.equals(Buffer.from(expected, 'utf8')));
    assert.equal(second.changed, false);
    assert.ok(second.output.equals(first.output));
  });

  it('two-way: customErrors is only reported', () => {
    const { first } = mergeTwice(mobile, {});
    assert.deepEqual(first.changes.map(row), [...settings, 'Review system.web/customErrors mode "RemoteOnly" -> "Off"']);
    assert.equal(text(first.output), withEdits(text(mobile.target.bytes), settingEdits));
  });
});
