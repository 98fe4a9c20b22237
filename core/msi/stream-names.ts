/**
 * MSI packs stream names into the compound file's 31-character name limit: characters of the alphabet below are
 * stored two per UTF-16 code unit (0x3800–0x47FF) or one per code unit (0x4800–0x483F); tables carry a 0x4840 prefix.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._';

const PAIR_FIRST = 0x3800;
const SINGLE_FIRST = 0x4800;
const TABLE_PREFIX = 0x4840;

export interface MsiStreamName {
  /** The decoded name, e.g. 'Property', '_StringPool', or '\u0005SummaryInformation' (unchanged when not encoded). */
  name: string;
  /** True when the stream holds a database table (name started with the table prefix). */
  isTable: boolean;
}

export function decodeMsiStreamName(raw: string): MsiStreamName {
  let name = '';
  let isTable = false;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (i === 0 && c === TABLE_PREFIX) {
      isTable = true;
    } else if (c >= PAIR_FIRST && c < SINGLE_FIRST) {
      const v = c - PAIR_FIRST;
      name += ALPHABET[v & 0x3f] + ALPHABET[(v >> 6) & 0x3f];
    } else if (c >= SINGLE_FIRST && c < TABLE_PREFIX) {
      name += ALPHABET[c - SINGLE_FIRST];
    } else {
      name += raw[i];
    }
  }
  return { name, isTable };
}
