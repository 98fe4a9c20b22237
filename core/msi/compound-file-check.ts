/**
 * Checks the compound-file (MS-CFB) header before handing the bytes to `cfb`. `cfb` reads a cut-off allocation
 * table as "free sectors" and then parses happily, so a file truncated inside its last FAT sector would look valid.
 * Returns a problem description, or undefined when the header and its FAT sectors are all present.
 */
const SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const HEADER_SIZE = 512;
const HEADER_FAT_SLOTS = 109;
const FIRST_SPECIAL_SECTOR = 0xfffffffa; // MAXREGSECT + 1: FREESECT, ENDOFCHAIN and the like

export function compoundFileProblem(bytes: Buffer): string | undefined {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(SIGNATURE)) {
    return 'it is not an OLE compound file (an .msi database is one)';
  }
  if (bytes.length < HEADER_SIZE) return 'the file is truncated (the compound-file header is incomplete)';
  const shift = bytes.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return `the compound-file header has an invalid sector size (2^${shift})`;
  const sectorSize = 1 << shift;
  for (let i = 0; i < HEADER_FAT_SLOTS; i++) {
    const sector = bytes.readUInt32LE(0x4c + i * 4);
    if (sector >= FIRST_SPECIAL_SECTOR) continue;
    // Sector n starts right after the header-sized first sector.
    const end = (sector + 2) * sectorSize;
    if (end > bytes.length) {
      return `the file is truncated (it has ${bytes.length} bytes; its allocation table reaches byte ${end})`;
    }
  }
  return undefined;
}
