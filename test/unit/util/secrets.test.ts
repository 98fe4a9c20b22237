/** The one secret rule: by name and by content, with a mask that still shows whether a value changed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSecret, isSecretName, isSecretValue, maskValue, MASK, SECRET_RULE_EXAMPLES, SecretRedactor, showValue } from '../../../core/util/secrets';

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

test('words for password in other languages and scripts, as a word part or inside a compound', () => {
  for (const n of ['Kennwort', 'DB_PASSWORT', 'Benutzerkennwort', 'mot_de_passe', 'MotDePasse', 'mdp', 'Contraseña', 'contrasena', 'SmtpSenha', 'Wachtwoord',
    'Lösenord', 'losenord', 'Adgangskode', 'Passord', 'Salasana', 'Hasło', 'heslo', 'Jelszó', 'Parola', 'Şifre', 'Пароль', 'ПарольБД', '数据库密码', 'パスワード', '비밀번호']) {
    assert.equal(isSecretName(n), true, n);
  }
  for (const n of ['HasLogging', 'Passage', 'Parolees', 'Mot', 'Senhor']) assert.equal(isSecretName(n), false, n);
  for (const v of ['https://r/?kennwort=x', 'db;Passwort=x', 'https://r/?contraseña=x&a=1']) assert.equal(isSecretValue(v), true, v);
});

test('a known secret is masked wherever it sits inside another value, also percent-encoded; other text stays readable', () => {
  const redactor = new SecretRedactor();
  redactor.register('Gr8&Zq7 Kx');
  const tag = (s: string) => `<${s.length}>`;
  assert.equal(redactor.redact('https://h/e.aspx?a=Gr8%26Zq7%20Kx&b=Gr8%26Zq7+Kx', tag), 'https://h/e.aspx?a=<14>&b=<12>');
  assert.equal(redactor.redact('https://svc:Gr8&Zq7 Kx@h/', tag), 'https://svc:<10>@h/');
  assert.equal(redactor.redact('C:\\inetpub\\wwwroot\\web.config'), 'C:\\inetpub\\wwwroot\\web.config');
  redactor.forget();
  assert.equal(redactor.redact('Gr8&Zq7 Kx'), 'Gr8&Zq7 Kx');
});

test('showValue masks a secret whole and only the known secrets inside any other value', () => {
  assert.match(showValue('Winter2015!', true), /^\*{8} \([0-9a-f]{6}\)$/);
  assert.equal(showValue('https://h/', false), 'https://h/');
});

test('the content rule reads a 200,000-character value to the right verdict (its expressions are linear; bench/webconfig-long-value measures it)', () => {
  for (const filler of ['x', ' ', 'a.', 'a:']) {
    const long = filler.repeat(100_000);
    assert.equal(isSecretValue(long), false, JSON.stringify(filler));
    assert.equal(isSecretValue(`${long};Password=x`), true, JSON.stringify(filler));
    assert.equal(isSecretValue(`${long} https://u:p@h/`), true, JSON.stringify(filler));
  }
});
