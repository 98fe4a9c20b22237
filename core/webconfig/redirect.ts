/**
 * The web.config that makes IIS send every request of a folder to another address (the retired User portal's
 * address → Microsoft's registration page), written by us and read back by our own parser. IIS's element:
 * `<system.webServer><httpRedirect enabled destination exactDestination httpResponseStatus/>` (IIS configuration
 * reference, "HTTP Redirects <httpRedirect>"). exactDestination="true" sends /Portal/Login.aspx to the destination
 * itself, not to destination/Login.aspx; 302 (Found), not 301, so browsers do not remember a redirect that an admin
 * may take back.
 */
import { attributeOf, parseXml, type XmlElement } from './xml-tree';
import { decodeWebConfig } from './encoding';
import { notAWebConfig } from './errors';
import { sectionPlaces } from './config-model';
import { escapeAttributeValue } from './xml-text';

export interface HttpRedirect {
  enabled: boolean;
  destination: string;
  exactDestination: boolean;
  /** As written: Found, Permanent, Temporary, PermanentRedirect; IIS's default is Found. */
  httpResponseStatus: string;
}

/** Marks the file as ours: a later run recognises its own redirect (and never takes someone else's file for it). */
export const REDIRECT_MARKER = 'Written by MfaServerUpgrade';

export function redirectWebConfig(destination: string, why: string): Buffer {
  const comment = `${REDIRECT_MARKER}: ${why}`.replace(/--/g, '- -');
  const text =
    '<?xml version="1.0" encoding="utf-8"?>\r\n' +
    `<!-- ${comment} -->\r\n` +
    '<configuration>\r\n' +
    '  <system.webServer>\r\n' +
    `    <httpRedirect enabled="true" destination="${escapeAttributeValue(destination, '"', false)}" ` +
    'exactDestination="true" httpResponseStatus="Found" />\r\n' +
    '  </system.webServer>\r\n' +
    '</configuration>\r\n';
  return Buffer.from(text, 'utf8');
}

/**
 * The redirect a web.config sets for its own folder (the root or a `<location path=".">`), or null when it sets none.
 * A file that is not a well-formed web.config is refused with the file, line and column at fault.
 */
export function readRedirect(bytes: Buffer, path: string): HttpRedirect | null {
  const doc = parseXml(decodeWebConfig({ path, bytes }));
  if (doc.root.name !== 'configuration') throw notAWebConfig(path, doc.root.name);
  let found: XmlElement | undefined;
  for (const place of sectionPlaces(doc)) {
    for (const server of place.children.filter((c) => c.name === 'system.webServer')) {
      // As IIS reads a file: the last element of a section counts.
      found = server.children.filter((c) => c.name === 'httpRedirect').at(-1) ?? found;
    }
  }
  if (!found) return null;
  const value = (name: string) => attributeOf(found, name)?.value;
  return {
    enabled: (value('enabled') ?? 'false').trim().toLowerCase() === 'true',
    destination: value('destination') ?? '',
    exactDestination: (value('exactDestination') ?? 'false').trim().toLowerCase() === 'true',
    httpResponseStatus: value('httpResponseStatus') ?? 'Found',
  };
}

/** True when the bytes are a redirect web.config this tool wrote. */
export function isOwnRedirect(bytes: Buffer): boolean {
  return bytes.toString('utf8').includes(`<!-- ${REDIRECT_MARKER}:`);
}
