/**
 * Where a configuration file names the Web Service SDK: any attribute value or leaf element text holding a URL to
 * `PfWsSdk.asmx`, found structurally with the web.config parser (comments and CDATA are not settings: a commented-out
 * old URL is not a consumer). The same walk reads the SDK service account stored beside the URL, and teaches the
 * redactor every secret value of the file before anything of it is shown.
 */
import { decodeWebConfig } from '../webconfig/encoding';
import { learnSecretValues } from '../webconfig/learn-secrets';
import { namedValues } from '../webconfig/named-values';
import { sdkUrlIn } from '../webconfig/sdk-url';
import { parseXml, type XmlDocument } from '../webconfig/xml-tree';
import { isSecretName, redactor } from '../util/secrets';
import type { SdkAccount, SdkReference } from './types';

export function parseConfigFile(path: string, bytes: Buffer): XmlDocument {
  const doc = parseXml(decodeWebConfig({ path, bytes }));
  learnSecretValues(doc);
  return doc;
}

/** Every setting of the file whose value holds an SDK URL, in file order. */
export function sdkReferencesIn(doc: XmlDocument): SdkReference[] {
  const out: SdkReference[] = [];
  for (const { name, value } of namedValues(doc)) {
    const url = sdkUrlIn(value);
    if (url) out.push({ setting: name, url });
  }
  return out;
}

/**
 * The SDK service account of the file: a setting naming both the SDK (or web service) and a user name, and one naming
 * the SDK and a password — the portal's WEB_SERVICE_SDK_AUTHENTICATION_USERNAME/_PASSWORD (S3a) and the AD FS adapter's
 * WebServiceSdkUsername/WebServiceSdkPassword (S9). The password is registered with the redactor here, whatever the
 * element's form (a leaf element's text is not covered by the web.config rule).
 */
export function sdkAccountIn(doc: XmlDocument): SdkAccount | undefined {
  const values = namedValues(doc);
  const sdkish = (n: string) => /web_?service|sdk/i.test(n);
  const username = values.find((v) => sdkish(v.name) && /user_?name$/i.test(v.name) && v.value.trim() !== '');
  const password = values.find((v) => sdkish(v.name) && isSecretName(v.name) && v.value !== '');
  for (const v of values) if (isSecretName(v.name)) redactor.register(v.value);
  if (!username || !password) return undefined;
  return { username: username.value.trim(), password: password.value };
}

/** A file that is not XML (a script, an .ini the admin names with -Path): each line's SDK URL, named by its line number. */
export function sdkReferencesInText(text: string): SdkReference[] {
  const out: SdkReference[] = [];
  text.split(/\r\n|\n|\r/).forEach((line, i) => {
    const url = sdkUrlIn(line);
    if (url) out.push({ setting: `line ${i + 1}`, url });
  });
  return out;
}
