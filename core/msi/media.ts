/**
 * Why this file: a package can install only when every cabinet its Media table names is there. Microsoft's "Cabinet"
 * data type (Windows Installer docs): a name starting with '#' is a stream inside the package (the name after '#',
 * case-sensitive); any other name is a file at the root of the source, i.e. beside the package (case-insensitive).
 * "To conserve disk space, the installer removes any cabinets embedded in the .msi file before caching the
 * installation package": a cached package (C:\Windows\Installer\*.msi) normally lacks them.
 */
import type { MsiCell } from './table';
import { TableFormatError } from './table';

/** One row of the Media table (DiskId i2, LastSequence i2/i4, DiskPrompt, Cabinet, VolumeLabel, Source). */
export interface MsiMediaRow {
  diskId: number;
  lastSequence: number;
  diskPrompt: string | null;
  cabinet: string | null;
  volumeLabel: string | null;
  source: string | null;
}

/** What one Media row needs so that the package can install. */
export interface MsiCabinet {
  diskId: number;
  /** The Cabinet column as written: '#payload.cab' (embedded) or 'data1.cab' (a file beside the package). */
  cabinet: string;
  embedded: boolean;
  /** Embedded only: the stream is there and starts as a cabinet does ('MSCF'), is missing, or is something else. */
  stream?: 'Present' | 'Missing' | 'NotACabinet';
}

/** The four bytes every Microsoft cabinet file starts with. */
export const CABINET_SIGNATURE = Buffer.from('MSCF', 'latin1');

const text = (v: MsiCell | undefined) => (typeof v === 'string' && v !== '' ? v : null);

export function mediaRowsOf(rows: Record<string, MsiCell>[]): MsiMediaRow[] {
  return rows.map((r) => {
    if (typeof r.DiskId !== 'number') throw new TableFormatError('table Media has a row without a DiskId');
    return {
      diskId: r.DiskId,
      lastSequence: typeof r.LastSequence === 'number' ? r.LastSequence : 0,
      diskPrompt: text(r.DiskPrompt),
      cabinet: text(r.Cabinet),
      volumeLabel: text(r.VolumeLabel),
      source: text(r.Source),
    };
  });
}

/**
 * The cabinets the Media rows name, with the state of each embedded one (`streams`: the package's non-table streams).
 * A row without a Cabinet names uncompressed files at the source; it needs no cabinet and is not listed.
 */
export function cabinetsOf(media: MsiMediaRow[], streams: ReadonlyMap<string, Buffer>): MsiCabinet[] {
  return media
    .filter((m): m is MsiMediaRow & { cabinet: string } => m.cabinet !== null)
    .map((m) => {
      if (!m.cabinet.startsWith('#')) return { diskId: m.diskId, cabinet: m.cabinet, embedded: false };
      const stream = streams.get(m.cabinet.slice(1));
      const state = !stream ? 'Missing' : stream.subarray(0, 4).equals(CABINET_SIGNATURE) ? 'Present' : 'NotACabinet';
      return { diskId: m.diskId, cabinet: m.cabinet, embedded: true, stream: state };
    });
}
