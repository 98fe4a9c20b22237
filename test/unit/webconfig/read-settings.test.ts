/** readWebConfigSettings: the inventory's view of a web.config (decoded, not masked). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readWebConfigSettings } from '../../../core/webconfig/index';
import { fixture, input } from './helpers';

describe('readWebConfigSettings', () => {
  it('reads the old User portal: decoded values, the password unmasked, the SDK URL', () => {
    assert.deepEqual(readWebConfigSettings(fixture('userportal/phonefactor-backup.web.config')), {
      appSettings: [
        { key: 'USE_WEB_SERVICE_SDK', value: 'true' },
        { key: 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME', value: 'CONTOSO\\svc-pfsdk' },
        { key: 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD', value: 'Winter2015!&Sn0w' },
        { key: 'SSL_REQUIRED', value: 'false' },
        { key: 'HELP_DESK_URL', value: 'https://helpdesk.contoso.com/mfa?lang=en&site=portal' },
      ],
      applicationSettings: [
        { group: 'pfup.Properties.Settings', name: 'pfup_pfwssdk_PfWsSdk', value: 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx' },
      ],
      sdkUrl: 'https://mfa01.contoso.com/PhoneFactorWebServiceSdk/PfWsSdk.asmx',
    });
  });

  it('finds the Mobile App Web Service SDK URL by its value when the name is unknown', () => {
    const settings = readWebConfigSettings(fixture('mobileapp/multifactorauth-default.web.config'));
    assert.equal(settings.sdkUrl, 'https://www.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx');
    assert.deepEqual(settings.applicationSettings.map((s) => s.name), ['MultiFactorAuthMobileAppWebService_WebServiceSdkUrl']);
  });

  it('ignores appSettings inside <location>, and has no sdkUrl when there is none', () => {
    const r = readWebConfigSettings(input('<configuration><location path="x"><appSettings><add key="A" value="1"/></appSettings></location></configuration>'));
    assert.deepEqual(r, { appSettings: [], applicationSettings: [] });
  });
});
