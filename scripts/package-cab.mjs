// A Microsoft cabinet (.cab) writer for the updatable help: Windows PowerShell's Update-Help (and PowerShell 7's on
// Windows) takes help content as <Module>_<GUID>_<culture>_HelpContent.cab. One folder, stored without compression
// (typeCompress 0, as the CAB format allows), each data block at most 32 KiB with its checksum, every file dated
// 2024-01-01 so the same files give the same bytes. Checked against GNOME's gcab in test/package/package.test.ts.
import { readFileSync, writeFileSync } from 'node:fs';

const BLOCK = 32768;
// DOS date and time of 2024-01-01 00:00:00.
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 1;
const DOS_TIME = 0;
const ATTRIBUTE_ARCHIVE = 0x20;

/**
 * The cabinet checksum (as libmspack computes it): the little-endian 32-bit words XORed into `seed`, then the 1 to 3
 * bytes left over, the first one highest.
 * @param {Buffer} data
 * @param {number} seed
 */
function checksum(data, seed) {
  let sum = seed;
  const words = data.length >> 2;
  for (let i = 0; i < words; i++) sum ^= data.readUInt32LE(i * 4);
  let rest = 0;
  for (let i = words * 4; i < data.length; i++) rest = (rest << 8) | data[i];
  return (sum ^ rest) >>> 0;
}

/**
 * Writes `files` (name in the cabinet, file on disk) into one cabinet at `outFile`.
 * @param {string} outFile
 * @param {{ name: string, file: string }[]} files
 */
export function writeCab(outFile, files) {
  const contents = files.map((f) => ({ name: Buffer.from(`${f.name.replace(/\//g, '\\')}\0`, 'latin1'), data: readFileSync(f.file) }));
  if (contents.some((c) => /[^\x20-\x7e\\\0]/.test(c.name.toString('latin1')))) throw new Error('cabinet file names must be ASCII');
  const stream = Buffer.concat(contents.map((c) => c.data));
  const blocks = Math.max(1, Math.ceil(stream.length / BLOCK));
  const headerSize = 36;
  const folderSize = 8;
  const filesSize = contents.reduce((n, c) => n + 16 + c.name.length, 0);
  const dataStart = headerSize + folderSize + filesSize;
  const total = dataStart + blocks * 8 + stream.length;
  const out = Buffer.alloc(total);
  let at = 0;
  const u8 = (/** @type {number} */ v) => { at = out.writeUInt8(v, at); };
  const u16 = (/** @type {number} */ v) => { at = out.writeUInt16LE(v, at); };
  const u32 = (/** @type {number} */ v) => { at = out.writeUInt32LE(v, at); };
  // CFHEADER
  out.write('MSCF', 0, 'latin1');
  at = 4;
  u32(0); u32(total); u32(0); u32(headerSize + folderSize); u32(0);
  u8(3); u8(1); // version 1.3
  u16(1); u16(contents.length); u16(0); u16(0); u16(0); // one folder, the files, no flags, set 0, cabinet 0
  // CFFOLDER
  u32(dataStart); u16(blocks); u16(0);
  // CFFILE per file: its size and offset in the folder's uncompressed stream
  let offset = 0;
  for (const c of contents) {
    u32(c.data.length); u32(offset); u16(0); u16(DOS_DATE); u16(DOS_TIME); u16(ATTRIBUTE_ARCHIVE);
    at += c.name.copy(out, at);
    offset += c.data.length;
  }
  // CFDATA blocks
  for (let i = 0; i < blocks; i++) {
    const chunk = stream.subarray(i * BLOCK, (i + 1) * BLOCK);
    // The block's checksum covers its data, then its two size fields (cbData, cbUncomp).
    const sizes = Buffer.alloc(4);
    sizes.writeUInt16LE(chunk.length, 0);
    sizes.writeUInt16LE(chunk.length, 2);
    u32(checksum(sizes, checksum(chunk, 0))); u16(chunk.length); u16(chunk.length);
    at += chunk.copy(out, at);
  }
  if (at !== total) throw new Error(`cabinet size: wrote ${at} bytes of ${total}`);
  writeFileSync(outFile, out);
  return outFile;
}
