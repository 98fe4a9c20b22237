/**
 * THE rule for what is a secret and how a value is shown, used wherever a configuration value could leave the core
 * (cmdlet output, Review/Detail rows, -WhatIf text, logs, errors, journals, reports) and exported for the log redaction.
 * A value is secret when its NAME says so or its CONTENT does (a connection string with Password=… under an innocent
 * key); a value that is not secret itself still has every KNOWN secret inside it masked (the SDK password learned from
 * the web.config, inside a redirect URL's query string or a URL's user:pass@), see `showValue`. Only values are masked,
 * never the names, sections or paths shown beside them. The tested table is in the help of Merge-MfaWebConfig
 * (core/cmdlets/merge-webconfig.ts) and in test/unit/util/secrets.test.ts.
 *
 * Names are split into word parts (camelCase, UPPER_CASE, dots, dashes, digits; letters of any script, accents folded):
 *  - any part is a word for password (password, passwd, pwd, pass, passphrase, kennwort, passwort, mot de passe, mdp,
 *    contraseña, senha, wachtwoord, lösenord, adgangskode, passord, salasana, hasło, heslo, jelszó, parola, şifre,
 *    пароль, 密码, パスワード, 비밀번호), secret(s), credential(s)                      -> secret
 *  - the longer of those words also inside a compound (Benutzerkennwort, 数据库密码)   -> secret
 *  - the LAST part is key(s) or token(s) (DecryptionKey, ValidationKey, ConsumerKey, AccountKey, API_KEY,
 *    AuthToken)                                                                   -> secret
 *    but not an assembly's publicKeyToken, and not KeyVault.Url / AccessKeyId (the key is not the last part)
 *  - "connection string" (connectionString attributes hold server credentials)    -> secret
 *  - a name without word boundaries (MACHINEKEYDECRYPTIONKEY) is searched for the words instead, and ends in KEY.
 * Every regular expression here runs in time linear in the value: a 200,000-character value is an ordinary input.
 */
import { createHmac, randomBytes } from 'node:crypto';

export const MASK = '********';

/** Lower case without accents (contraseña -> contrasena, hasło -> haslo), as names are compared. */
function fold(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(/ł/g, 'l').replace(/ø/g, 'o');
}

/** Long, unambiguous words for password: secret as a word part and inside a compound word. */
const PASSWORD_WORDS = [
  'password', 'passwort', 'passwd', 'kennwort', 'motdepasse', 'contrasena', 'wachtwoord', 'losenord', 'adgangskode', 'passord', 'salasana',
  'пароль', '密码', '密碼', 'パスワード', '비밀번호',
].map(fold);
/** Short or ambiguous words: secret only as a whole word part (Bypass, HasLogging and Passive stay plain). */
const SECRET_WORDS = new Set([
  ...PASSWORD_WORDS, 'passwords', 'pwd', 'pass', 'passphrase', 'mdp', 'senha', 'haslo', 'heslo', 'jelszo', 'parola', 'sifre',
  'secret', 'secrets', 'credential', 'credentials',
].map(fold));
const SECRET_LAST_WORDS = new Set(['key', 'keys', 'apikey', 'token', 'tokens']);

/** Word parts of a configuration name, folded: "MachineKeyDecryptionKey" -> machine key decryption key. */
export function nameWords(name: string): string[] {
  return name
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[^\p{L}]+/u)
    .filter((w) => w.length > 0)
    .map(fold);
}

/**
 * Whether a name is secret depends on the name alone, and the same names come back in every call of a warm core:
 * remembered (names are never secret, only values are; bounded, so memory stays flat).
 */
const secretNames = new Map<string, boolean>();
const SECRET_NAMES_KEPT = 4096;

export function isSecretName(name: string): boolean {
  let secret = secretNames.get(name);
  if (secret === undefined) {
    if (secretNames.size >= SECRET_NAMES_KEPT) secretNames.clear();
    secret = classifyName(name);
    secretNames.set(name, secret);
  }
  return secret;
}

function classifyName(name: string): boolean {
  const words = nameWords(name);
  if (words.length === 0) return false;
  const joined = words.join('');
  if (joined.includes('connectionstring')) return true;
  if (PASSWORD_WORDS.some((w) => joined.includes(w))) return true;
  if (words.length === 1 && name.length > 3 && (name === name.toUpperCase() || name === name.toLowerCase())) {
    // No word boundaries to go by: look for the words inside.
    return SECRET_WORDS.has(joined) || /pwd|secret|credential|token$|key$/.test(joined);
  }
  if (words.some((w) => SECRET_WORDS.has(w))) return true;
  const last = words[words.length - 1];
  if (!SECRET_LAST_WORDS.has(last)) return false;
  return !(last === 'token' && words[words.length - 2] === 'key' && words[words.length - 3] === 'public');
}

/**
 * Values that carry a credential whatever their name: connection-string and query-string parts (Password=, Pwd=,
 * AccountKey=, SharedAccessKey=, Client Secret=, Kennwort=, …), a SAS signature (sig=), and a URL with user:password@.
 */
const CREDENTIAL_KEYS = [
  'password', 'pwd', 'passwd', 'user\\s*password', 'accountkey', 'account\\s*key', 'sharedaccesskey', 'shared\\s*access\\s*key', 'sharedsecretvalue',
  'sharedsecret', 'clientsecret', 'client[\\s_]secret', 'access[\\s_]?token', 'api[\\s_]?key', 'secret[\\s_]?key', 'access[\\s_]?key', 'sig', 'secret', 'token',
  'passwort', 'kennwort', 'mot[\\s_-]?de[\\s_-]?passe', 'contrase(?:ñ|n)a', 'senha', 'wachtwoord', 'l(?:ö|o)senord', 'adgangskode', 'passord', 'salasana',
  'has(?:ł|l)o', 'heslo', 'jelsz(?:ó|o)', 'parola', 'пароль', '密码', '密碼', 'パスワード', '비밀번호',
];
const SECRET_CONTENT = [
  // A key at the start of the text or right after a separator (;&? quote brace or blank), then '='. The separator is
  // a look-behind, not a consumed `\s*`, so a long run of blanks is not searched again from every position.
  new RegExp(`(?<![^;&?\\s"'{])(?:${CREDENTIAL_KEYS.join('|')})\\s*=`, 'i'),
  // A scheme starts where no scheme character precedes it, so a long word is scanned once, not from each letter.
  /(?<![a-z0-9+.-])[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i,
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
 * Remove known secret values from free text (error messages, log lines) and from the values shown beside a secret
 * (a redirect URL holding the SDK password) before they leave the core. Values are registered as they are read from
 * files, each also as a URL carries it (percent-encoded), because that is how a password sits in a query string.
 */
export class SecretRedactor {
  private readonly values = new Set<string>();
  /** The values as registered (without their URL forms): what a far core hands back (remote/far-procedures.ts). */
  private readonly originals = new Set<string>();
  private pattern: RegExp | undefined;

  register(value: string | null | undefined): void {
    if (!value || value.length < 3) return;
    this.originals.add(value);
    for (const form of [value, encodeURIComponent(value), encodeURIComponent(value).replace(/%20/g, '+'), encodeURI(value)]) this.values.add(form);
    this.pattern = undefined;
  }

  /** Drops every registered value: a warm core forgets one call's secrets before the next call (runtime/serve.ts). */
  forget(): void {
    this.values.clear();
    this.originals.clear();
    this.pattern = undefined;
  }

  /** Every value registered since the last forget(), as registered. */
  registered(): string[] {
    return [...this.originals];
  }

  /** Every known secret in `text` replaced by `mask` (by default MASK), in one pass, the longest first. */
  redact(text: string, mask: (secret: string) => string = () => MASK): string {
    if (this.values.size === 0) return text;
    this.pattern ??= new RegExp([...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'g');
    return text.replace(this.pattern, mask);
  }
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Process-wide redactor: every log and error path runs through it. */
export const redactor = new SecretRedactor();

/**
 * How a configuration value is shown outside the core, the one place that decides it: a secret value (by the rule
 * above; the caller decides on the name and on every value shown with it) is masked whole, with a tag that shows
 * whether it changed; any other value is shown with every known secret inside it masked the same way. Names, sections
 * and paths are never passed here: only values are masked.
 */
export function showValue(value: string, secret: boolean): string {
  return secret ? maskValue(value) : redactor.redact(value, maskValue);
}

/** `showValue` for one setting shown on its own (an SDK URL in a readiness row): secret by its name or content. */
export function showSetting(name: string, value: string): string {
  return showValue(value, isSecret(name, value));
}

/**
 * The tested table of the rule (test/unit/util/secrets.test.ts checks every row; Merge-MfaWebConfig's help prints it,
 * so it stays ASCII: names in other scripts are tested in secrets.test.ts). Values are made up.
 */
export const SECRET_RULE_EXAMPLES: { name: string; value: string; secret: boolean; why: string }[] = [
  { name: 'WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD', value: 'x', secret: true, why: 'name: password' },
  { name: 'SMTP_PASS', value: 'x', secret: true, why: 'name: pass' },
  { name: 'Kennwort', value: 'x', secret: true, why: 'name: password (German)' },
  { name: 'Benutzerkennwort', value: 'x', secret: true, why: 'name: password inside a compound word' },
  { name: 'MotDePasse', value: 'x', secret: true, why: 'name: password (French)' },
  { name: 'Contrasena', value: 'x', secret: true, why: 'name: password (Spanish, accents ignored)' },
  { name: 'DbSenha', value: 'x', secret: true, why: 'name: password (Portuguese)' },
  { name: 'Losenord', value: 'x', secret: true, why: 'name: password (Swedish, accents ignored)' },
  { name: 'Haslo', value: 'x', secret: true, why: 'name: password (Polish, accents ignored)' },
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
  { name: 'ReportUrl', value: 'https://r/?kennwort=x', secret: true, why: 'value: kennwort= in a query string' },
  { name: 'KeyVault.Url', value: 'https://vault.example.net/', secret: false, why: 'key is not the last word' },
  { name: 'publicKeyToken', value: '31bf3856ad364e35', secret: false, why: "an assembly's public identity" },
  { name: 'AccessKeyId', value: 'AKIAEXAMPLE', secret: false, why: 'key is not the last word' },
  { name: 'Bypass', value: 'true', secret: false, why: 'pass is not a word part' },
  { name: 'HasLogging', value: 'true', secret: false, why: 'haslo only counts as a whole word' },
  { name: 'SSL_REQUIRED', value: 'true', secret: false, why: 'no secret word' },
  { name: 'pfup_pfwssdk_PfWsSdk', value: 'https://mfa01/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx', secret: false, why: 'no secret word' },
  { name: 'WEB_SERVICE_SDK_AUTHENTICATION_USERNAME', value: 'CONTOSO\\svc', secret: false, why: 'no secret word' },
  { name: 'SessionStateConnection', value: 'Data Source=db;Integrated Security=SSPI', secret: false, why: 'no credential in the value' },
];
