/**
 * THE rule for what is a secret, used wherever a configuration value could be shown (cmdlet output, -WhatIf text,
 * logs, journals, reports) and exported for the log redaction. A value is secret when its NAME says so or its CONTENT
 * does (a connection string with Password=… under an innocent key). The tested table is in the help of
 * Merge-MfaWebConfig (core/operations/merge-webconfig.ts) and in test/unit/util/secrets.test.ts.
 *
 * Names are split into word parts (camelCase, UPPER_CASE, dots, dashes, digits):
 *  - any part is password, passwd, pwd, pass, passphrase, secret(s), credential(s)  -> secret
 *  - the LAST part is key(s) or token(s) (DecryptionKey, ValidationKey, ConsumerKey, AccountKey, API_KEY,
 *    AuthToken)                                                                   -> secret
 *    but not an assembly's publicKeyToken, and not KeyVault.Url / AccessKeyId (the key is not the last part)
 *  - "connection string" (connectionString attributes hold server credentials)    -> secret
 *  - a name without word boundaries (MACHINEKEYDECRYPTIONKEY) is searched for the words instead, and ends in KEY.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const MASK = '********';

const SECRET_WORDS = new Set(['password', 'passwords', 'passwd', 'pwd', 'pass', 'passphrase', 'secret', 'secrets', 'credential', 'credentials']);
const SECRET_LAST_WORDS = new Set(['key', 'keys', 'apikey', 'token', 'tokens']);

/** Word parts of a configuration name, lower-cased: "MachineKeyDecryptionKey" -> machine key decryption key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

export function isSecretName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const joined = words.join('');
  if (joined.includes('connectionstring')) return true;
  if (words.length === 1 && name.length > 3 && (name === name.toUpperCase() || name === name.toLowerCase())) {
    // No word boundaries to go by: look for the words inside.
    return /password|passwd|pwd|secret|credential|token$|key$/.test(joined);
  }
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const last = words[words.length - 1];
  if (!SECRET_LAST_WORDS.has(last)) return false;
  return !(last === 'token' && words[words.length - 2] === 'key' && words[words.length - 3] === 'public');
}

/**
 * Values that carry a credential whatever their name: connection-string parts (Password=, Pwd=, AccountKey=,
 * SharedAccessKey=, Client Secret=, …), a SAS signature (sig=), and a URL with user:password@.
 */
const CREDENTIAL_KEYS = [
  'password', 'pwd', 'passwd', 'user\\s*password', 'accountkey', 'account\\s*key', 'sharedaccesskey', 'shared\\s*access\\s*key', 'sharedsecretvalue',
  'sharedsecret', 'clientsecret', 'client[\\s_]secret', 'access[\\s_]?token', 'api[\\s_]?key', 'secret[\\s_]?key', 'access[\\s_]?key', 'sig', 'secret', 'token',
];
const SECRET_CONTENT = [
  // A key at the start of the text or after a separator (;&? quote brace or blank), then '='.
  new RegExp(`(?:^|[;&?\\s"'{])\\s*(?:${CREDENTIAL_KEYS.join('|')})\\s*=`, 'i'),
  /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i,
];

export function isSecretValue(value: string | null | undefined): boolean {
  return typeof value === 'string' && SECRET_CONTENT.some((re) => re.test(value));
}

/** The whole rule: a secret by name, or by the content of any of the values shown with it. */
export function isSecret(name: string, ...values: (string | null | undefined)[]): boolean {
  return isSecretName(name) || values.some(isSecretValue);
}

// Keyed per process: equal tags within one run mean equal values, and a tag says nothing about the value itself.
const TAG_KEY = randomBytes(32);

/** "******** (3f9a1c)": hides the value but not whether it differs from another shown in the same run. */
export function maskValue(value: string): string {
  return `${MASK} (${createHmac('sha256', TAG_KEY).update(value, 'utf8').digest('hex').slice(0, 6)})`;
}

export function maskIfSecret(name: string, value: string | null): string | null {
  if (value === null) return null;
  return isSecret(name, value) ? MASK : value;
}

/**
 * Remove known secret values from free text (error messages, log lines) before it leaves the core.
 * Values are registered as they are read from files.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();

  register(value: string | null | undefined): void {
    if (value && value.length >= 3) this.values.add(value);
  }

  /** Drops every registered value: a warm core forgets one call's secrets before the next call (runtime/serve.ts). */
  forget(): void {
    this.values.clear();
  }

  redact(text: string): string {
    let out = text;
    for (const v of this.values) out = out.split(v).join(MASK);
    return out;
  }
}

/** Process-wide redactor: every log and error path runs through it. */
export const redactor = new SecretRedactor();

/**
 * The tested table of the rule (test/unit/util/secrets.test.ts checks every row; Merge-MfaWebConfig's help prints it).
 * Values are made up.
 */
export const SECRET_RULE_EXAMPLES: { name: string; value: string; secret: boolean; why: string }[] = [
  { name: 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD', value: 'x', secret: true, why: 'name: password' },
  { name: 'SMTP_PASS', value: 'x', secret: true, why: 'name: pass' },
  { name: 'DbPwd', value: 'x', secret: true, why: 'name: pwd' },
  { name: 'ClientSecret', value: 'x', secret: true, why: 'name: secret' },
  { name: 'LdapBindCredential', value: 'x', secret: true, why: 'name: credential' },
  { name: 'DecryptionKey', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'ValidationKey', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'MachineKeyDecryptionKey', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'ConsumerKey', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'AccountKey', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'MerchantKey', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'API_KEY', value: 'x', secret: true, why: 'name ends in key' },
  { name: 'AuthToken', value: 'x', secret: true, why: 'name ends in token' },
  { name: 'connectionString', value: 'Data Source=db;Integrated Security=SSPI', secret: true, why: 'name: connection string' },
  { name: 'PfDb', value: 'Server=db;Database=pf;User Id=sa;Password=x;', secret: true, why: 'value: Password=' },
  { name: 'Legacy', value: 'server=db;uid=sa;pwd=x', secret: true, why: 'value: pwd=' },
  { name: 'StorageAccount', value: 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=x', secret: true, why: 'value: AccountKey=' },
  { name: 'ServiceBus', value: 'Endpoint=sb://a/;SharedAccessKeyName=Root;SharedAccessKey=x', secret: true, why: 'value: SharedAccessKey=' },
  { name: 'BlobUrl', value: 'https://a.blob.core.windows.net/c?sv=2020&sig=x', secret: true, why: 'value: sig=' },
  { name: 'Proxy', value: 'http://user:x@proxy:8080', secret: true, why: 'value: user:password@ in a URL' },
  { name: 'KeyVault.Url', value: 'https://vault.example.net/', secret: false, why: 'key is not the last word' },
  { name: 'publicKeyToken', value: '31bf3856ad364e35', secret: false, why: "an assembly's public identity" },
  { name: 'AccessKeyId', value: 'AKIAEXAMPLE', secret: false, why: 'key is not the last word' },
  { name: 'Bypass', value: 'true', secret: false, why: 'pass is not a word part' },
  { name: 'SSL_REQUIRED', value: 'true', secret: false, why: 'no secret word' },
  { name: 'pfup_pfwssdk_PfWsSdk', value: 'https://mfa01/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx', secret: false, why: 'no secret word' },
  { name: 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME', value: 'CONTOSO\\svc', secret: false, why: 'no secret word' },
  { name: 'SessionStateConnection', value: 'Data Source=db;Integrated Security=SSPI', secret: false, why: 'no credential in the value' },
];
