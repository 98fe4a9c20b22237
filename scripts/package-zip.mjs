// Writing .zip files (the module archive and the .nupkg, which is a zip too) with yazl. Entries are written in a fixed
// order with a fixed timestamp, so the same module gives the same archive bytes.
import { createWriteStream, mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import yazl from 'yazl';

/** Timestamp of every entry: the archive depends on the files' contents only. */
const ENTRY_TIME = new Date(2024, 0, 1, 0, 0, 0);

/**
 * @typedef {{ name: string, file?: string, data?: Buffer | string }} ZipEntry
 * `name` uses forward slashes; `file` is a path on disk, `data` the bytes (a string is written as UTF-8).
 */

/**
 * Every file under `dir` as entries named `prefix` + relative path, sorted by name.
 * @param {string} dir
 * @param {string} [prefix]
 * @returns {ZipEntry[]}
 */
export function folderEntries(dir, prefix = '') {
  /** @type {ZipEntry[]} */
  const out = [];
  /** @type {(d: string, rel: string) => void} */
  const walk = (d, rel) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else if (e.isFile()) out.push({ name: prefix + r, file: path.join(d, e.name) });
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Writes `entries` (in the given order) to `outFile`; resolves when the file is complete.
 * @param {string} outFile
 * @param {ZipEntry[]} entries
 * @returns {Promise<string>} outFile
 */
export function writeZip(outFile, entries) {
  mkdirSync(path.dirname(outFile), { recursive: true });
  const zip = new yazl.ZipFile();
  const options = { mtime: ENTRY_TIME, mode: 0o100644 };
  for (const e of entries) {
    if (e.file !== undefined) zip.addFile(e.file, e.name, options);
    else zip.addBuffer(Buffer.isBuffer(e.data) ? e.data : Buffer.from(String(e.data), 'utf8'), e.name, options);
  }
  return new Promise((resolve, reject) => {
    const out = createWriteStream(outFile);
    out.on('close', () => resolve(outFile));
    out.on('error', reject);
    zip.outputStream.on('error', reject).pipe(out);
    zip.end();
  });
}
