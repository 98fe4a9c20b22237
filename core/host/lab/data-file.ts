/**
 * The lab's stand-in for PhoneFactor.pfdata (the real format is undocumented). UTF-8 text:
 *   PFDATA schema=5
 *   # comment lines
 *   user<TAB>login<TAB>phone<TAB>method<TAB>display name
 * The simulated MFA Server setup "upgrades" it by rewriting the header to schema=8 and keeping every other
 * byte, so a test can prove that no user line was lost.
 */
export const LEGACY_SCHEMA = 5;
export const MFA_SERVER_SCHEMA = 8;

const HEADER = /^PFDATA schema=(\d+)(\r?\n|$)/;

export interface LabUser {
  login: string;
  phone: string;
  method: string;
  displayName: string;
}

export function formatDataFile(schema: number, users: LabUser[]): Buffer {
  const lines = [
    `PFDATA schema=${schema}`,
    '# Lab simulation of a PhoneFactor data file (one user per line, tab-separated).',
    ...users.map((u) => ['user', u.login, u.phone, u.method, u.displayName].join('\t')),
  ];
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

/** Schema and users of a lab data file; undefined when the bytes are not the lab format (e.g. a real file). */
export function readDataFile(bytes: Buffer): { schema: number; users: LabUser[] } | undefined {
  const text = bytes.toString('utf8');
  const m = HEADER.exec(text);
  if (!m) return undefined;
  const users = text
    .split(/\r?\n/)
    .filter((l) => l.startsWith('user\t'))
    .map((l) => {
      const [, login, phone, method, displayName] = l.split('\t');
      return { login, phone, method, displayName };
    });
  return { schema: Number(m[1]), users };
}

/** Upgrade to the MFA Server schema; undefined when the bytes are not the lab format (left untouched). */
export function upgradeDataFile(bytes: Buffer): Buffer | undefined {
  const text = bytes.toString('utf8');
  if (!HEADER.test(text)) return undefined;
  return Buffer.from(text.replace(/^PFDATA schema=\d+/, `PFDATA schema=${MFA_SERVER_SCHEMA}`), 'utf8');
}
