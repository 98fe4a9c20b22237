/**
 * Every table of every real MSI in the repository, read with our generic table reader (columns from _Columns, integer
 * and string cells), against msitools' `msiinfo export`: the column names, the type of each column, and every row.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readMsiTable, type MsiColumn } from '../../../core/msi/reader';
import { msiinfoMissing, wellFormedMsiFiles } from './msi-files';

const skip = msiinfoMissing();
const PHONEFACTOR_DIR = 'assets/lab-media/phonefactor';

function msiinfo(args: string[]): string {
  const r = spawnSync('msiinfo', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`msiinfo ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** The type as `msiinfo export` writes it on its second line: s72, S255, L64, i2, I4, v0... */
function typeLetter(c: MsiColumn): string {
  const nullable = (c.type & 0x1000) !== 0;
  const binary = (c.type & ~0x1000) === 0x0900;
  const string = (c.type & 0x0800) !== 0;
  const letter = binary ? 'v' : string ? ((c.type & 0x0200) !== 0 ? 'l' : 's') : 'i';
  const size = binary ? 0 : string ? c.type & 0xff : (c.type & 0xff) <= 2 ? 2 : 4;
  return `${nullable ? letter.toUpperCase() : letter}${size}`;
}

const files = [...wellFormedMsiFiles(), ...readdirSync(PHONEFACTOR_DIR).filter((f) => f.endsWith('.msi')).map((f) => join(PHONEFACTOR_DIR, f))];

describe('readMsiTable agrees with msiinfo export on every table', { skip }, () => {
  it('compares the PhoneFactor stand-ins too (embedded and external cabinets)', () => {
    assert.equal(files.filter((f) => f.startsWith(PHONEFACTOR_DIR)).length, 6);
  });

  for (const file of files) {
    it(file, () => {
      const bytes = readFileSync(file);
      const tables = msiinfo(['tables', file]).split('\n').filter((t) => t && !t.startsWith('_SummaryInformation') && t !== '_ForceCodepage');
      assert.ok(tables.includes('Media') && tables.includes('File'), 'a package that installs files has Media and File tables');
      for (const table of tables) {
        const read = readMsiTable(bytes, file, table);
        assert.ok(read, `${table} is in _Columns`);
        const [names, types, , ...lines] = msiinfo(['export', file, table]).split(/\r\n|\n/);
        assert.deepEqual(read.columns.map((c) => c.name), names.split('\t'), `${table}: column names`);
        assert.deepEqual(read.columns.map(typeLetter), types.split('\t'), `${table}: column types`);
        const binary = read.columns.map((c) => (c.type & ~0x1000) === 0x0900);
        const ours = read.rows.map((r) => read.columns.map((c, i) => (binary[i] ? '' : r[c.name] === null ? '' : String(r[c.name]))).join('\t')).sort();
        const theirs = lines.filter((l) => l !== '').map((l) => l.split('\t').map((v, i) => (binary[i] ? '' : v)).join('\t')).sort();
        assert.deepEqual(ours, theirs, `${table}: rows`);
      }
    });
  }
});
