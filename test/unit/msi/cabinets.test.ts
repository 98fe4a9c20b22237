/**
 * The Media table and the cabinets a package needs (core/msi/media.ts), the generic cell decoding (core/msi/table.ts),
 * and the cached copy without embedded cabinets (core/msi/strip-cabinets.ts), checked against msitools.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readMsi } from '../../../core/msi/reader';
import { withoutEmbeddedCabinets } from '../../../core/msi/strip-cabinets';
import { readTable } from '../../../core/msi/table';
import { msiinfoMissing, msiinfoProperties } from './msi-files';
import { labMediaFile } from '../../../core/host/lab/media';

const PF = 'assets/lab-media/phonefactor';
const skip = msiinfoMissing();
const temp = mkdtempSync(join(tmpdir(), 'msi-cabinets-'));
after(() => rmSync(temp, { recursive: true, force: true }));

const streamsOf = (file: string) => spawnSync('msiinfo', ['streams', file], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);

describe('Media table and cabinets', () => {
  it('reads an embedded cabinet: the Media row, and its stream present and starting with MSCF', () => {
    const info = readMsi(readFileSync(labMediaFile(PF, 'PhoneFactorAgentSetup.msi')), 'agent.msi');
    assert.deepEqual(info.media, [{ diskId: 1, lastSequence: 1, diskPrompt: null, cabinet: '#pfagent.cab', volumeLabel: null, source: null }]);
    assert.deepEqual(info.cabinets, [{ diskId: 1, cabinet: '#pfagent.cab', embedded: true, stream: 'Present' }]);
  });

  it('reads an external cabinet as a file needed beside the package', () => {
    const info = readMsi(readFileSync(labMediaFile(PF, 'PhoneFactorUserPortalSetup64.msi')), 'portal.msi');
    assert.deepEqual(info.cabinets, [{ diskId: 1, cabinet: 'PFUP64.CAB', embedded: false }]);
  });

  it('tells a stream that is not a cabinet from a missing one', { skip }, () => {
    const file = join(temp, 'not-a-cab.msi');
    copyFileSync(labMediaFile(PF, 'PhoneFactorAgentSetup.msi'), file);
    writeFileSync(join(temp, 'junk.bin'), 'this is no cabinet');
    const r = spawnSync('msibuild', [file, '-a', 'pfagent.cab', join(temp, 'junk.bin')], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(readMsi(readFileSync(file), file).cabinets[0].stream, 'NotACabinet');
  });
});

describe('withoutEmbeddedCabinets: the copy Windows Installer caches', { skip }, () => {
  it('removes the embedded cabinet stream and keeps every table as it was (msiinfo reads the copy)', () => {
    const original = readFileSync(labMediaFile(PF, 'PhoneFactorAgentSetup.msi'));
    const file = join(temp, 'cached.msi');
    writeFileSync(file, withoutEmbeddedCabinets(original, 'agent.msi'));
    assert.ok(streamsOf(labMediaFile(PF, 'PhoneFactorAgentSetup.msi')).includes('pfagent.cab'));
    assert.ok(!streamsOf(file).includes('pfagent.cab'), 'msiinfo lists no pfagent.cab stream in the copy');
    assert.deepEqual(msiinfoProperties(file), msiinfoProperties(labMediaFile(PF, 'PhoneFactorAgentSetup.msi')));
    const cached = readMsi(readFileSync(file), file);
    assert.deepEqual(cached.cabinets, [{ diskId: 1, cabinet: '#pfagent.cab', embedded: true, stream: 'Missing' }]);
    assert.equal(cached.productCode, '{4B2F6E1A-7C3D-4E59-9A10-5F2B8C6D7E01}');
  });

  it('leaves a package with only external cabinets byte for byte as it was', () => {
    const original = readFileSync(labMediaFile(PF, 'PhoneFactorUserPortalSetup64.msi'));
    assert.ok(withoutEmbeddedCabinets(original, 'portal.msi').equals(original));
  });
});

describe('readTable: integer and string cells', () => {
  const pool = { codePage: 1252, refSize: 3 as const, strings: ['', 'A', 'B'] };
  const cols = [
    { name: 'S', type: 0x1d48 }, // S72: nullable string
    { name: 'I2', type: 0x1502 }, // I2
    { name: 'I4', type: 0x1104 }, // I4
  ];

  it('decodes 2-byte integers stored +0x8000 and 4-byte integers stored XOR 0x80000000; 0 is null', () => {
    const s = Buffer.alloc(2 * (3 + 2 + 4));
    s.writeUIntLE(1, 0, 3);
    s.writeUIntLE(0, 3, 3); // null string
    s.writeUInt16LE(0x8001, 6); // 1
    s.writeUInt16LE(0x7fff, 8); // -1
    s.writeUInt32LE(0x80000000 + 70000, 10); // 70000
    s.writeUInt32LE(0, 14); // null
    assert.deepEqual(readTable(s, cols, pool, 'T'), [['A', 1, 70000], [null, -1, null]]);
  });

  it('refuses a stream that is not a whole number of rows, or a reference to a missing string', () => {
    assert.throws(() => readTable(Buffer.alloc(10), cols, pool, 'T'), /whole number of rows/);
    const bad = Buffer.alloc(9);
    bad.writeUIntLE(9, 0, 3);
    assert.throws(() => readTable(bad, cols, pool, 'T'), /string 9/);
  });
});
