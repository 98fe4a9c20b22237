/** What the upgrade needs to know about one MSI database, read without Windows (see reader.ts). */
import type { MsiCabinet, MsiMediaRow } from './media';

export type MsiPlatform = 'x64' | 'x86' | 'arm64' | 'unknown';

export interface MsiInfo {
  /** Path (or other label) of the file, used in messages. */
  source: string;
  /** Summary Information Template, e.g. 'x64;1033' or 'Intel;1033'. */
  template: string;
  platform: MsiPlatform;
  /** Language ids from the Template (after the ';'). */
  languages: number[];
  subject?: string;
  author?: string;
  /** The PackageCode: MSI keeps it in the Summary Information revision number. */
  revisionNumber?: string;
  /** The whole Property table. */
  properties: Record<string, string>;
  productCode?: string;
  upgradeCode?: string;
  productVersion?: string;
  productName?: string;
  manufacturer?: string;
  /** The Media table (empty when the package has none: it installs no files). */
  media: MsiMediaRow[];
  /** The cabinets the Media table names, embedded ones with their stream's state (media.ts). */
  cabinets: MsiCabinet[];
}
