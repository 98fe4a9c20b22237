/**
 * Which program asked for an authentication, where a line names it. No public source says which field carries it
 * [NOT FOUND]; these are the names an admin would see (RADIUS, LDAP, AD FS, the Web Service SDK, the User portal,
 * IIS), looked for in the component tag and in the words around the user, never in the user name itself.
 */
import type { Caller } from '../domain/service-log';

const NAMES: ReadonlyArray<[Caller, RegExp]> = [
  ['Radius', /radius/i],
  ['Ldap', /ldap/i],
  ['AdFs', /ad ?fs/i],
  ['WebServiceSdk', /sdk/i],
  ['UserPortal', /portal/i],
  ['Iis', /\biis\b|pfiis/i],
];

export function callerNamed(component: string, words: string): Caller {
  for (const [caller, pattern] of NAMES) if (pattern.test(component) || pattern.test(words)) return caller;
  return 'Unknown';
}
