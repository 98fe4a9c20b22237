/** The one secret rule: by name and by content, with a mask that still shows whether a value changed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecret, isSecretName, isSecretValue, maskValue, MASK, SECRET_RULE_EXAMPLES } from '../../../core/util/secrets';

test('every row of the table in the help holds', () => {
  const wrong = SECRET_RULE_EXAMPLES.filter((r) => isSecret(r.name, r.value) !== r.secret).map((r) => `${r.name}=${r.value}`);
  assert.deepEqual(wrong, []);
});

test('names where KEY, TOKEN or PASS is only a word part of a longer name', () => {
  for (const n of ['MachineKeyDecryptionKey', 'MachineKeyValidationKey', 'PayPal.MerchantKey', 'Twitter.ConsumerKey', 'Azure_AccountKey', 'SMTP_PASS', 'smtpPass', 'MACHINEKEYDECRYPTIONKEY', 'apikey', 'validationKey', 'decryptionKey', 'RefreshTokens', 'LdapBindCredential']) {
    assert.equal(isSecretName(n), true, n);
  }
  for (const n of ['KeyVault.Url', 'publicKeyToken', 'PublicKeyToken', 'AccessKeyId', 'Keyboard', 'Monkey', 'Bypass', 'Passive', 'TokenLifetimeMinutes', 'USE_WEB_SERVICE_SDK', 'validation', 'decryption']) {
    assert.equal(isSecretName(n), false, n);
  }
});

test('connection-string secrets under any name', () => {
  for (const v of ['Server=db;Password=x', 'server=db; pwd = x', 'AccountName=a;AccountKey=x', 'SharedAccessKeyName=R;SharedAccessKey=x', 'Data Source=db;User ID=sa;Password="x;y"', 'tenant=t;Client Secret=x', 'https://u:p@host/']) {
    assert.equal(isSecretValue(v), true, v);
  }
  for (const v of ['Data Source=db;Integrated Security=SSPI', 'SharedAccessKeyName=RootManageSharedAccessKey', 'https://host/path?x=1', 'true', '']) {
    assert.equal(isSecretValue(v), false, v);
  }
});

test('the mask hides the value but not whether it changed', () => {
  assert.equal(maskValue('Winter2015!'), maskValue('Winter2015!'));
  assert.notEqual(maskValue('Winter2015!'), maskValue('Summer2016!'));
  assert.match(maskValue('Winter2015!'), /^\*{8} \([0-9a-f]{6}\)$/);
  assert.ok(maskValue('x').startsWith(MASK));
  assert.ok(!maskValue('Winter2015!').includes('Winter'));
});
