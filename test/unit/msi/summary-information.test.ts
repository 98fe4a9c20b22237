import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSummaryInformation, SummaryFormatError, SUMMARY_PID } from '../../../core/msi/summary-information';

type Prop = { pid: number; i2?: number; i4?: number; str?: Buffer };

/** Builds a one-section OLE property set the way MS-OLEPS lays it out. */
function propertySet(props: Prop[]): Buffer {
  const values = props.map((p) => {
    if (p.i2 !== undefined) {
      const b = Buffer.alloc(8);
      b.writeUInt32LE(2, 0);
      b.writeUInt16LE(p.i2, 4);
      return b;
    }
    if (p.i4 !== undefined) {
      const b = Buffer.alloc(8);
      b.writeUInt32LE(3, 0);
      b.writeInt32LE(p.i4, 4);
      return b;
    }
    const s = Buffer.concat([p.str!, Buffer.from([0])]);
    const b = Buffer.alloc(8 + Math.ceil(s.length / 4) * 4);
    b.writeUInt32LE(30, 0);
    b.writeUInt32LE(s.length, 4);
    s.copy(b, 8);
    return b;
  });
  const sectionHeader = Buffer.alloc(8 + props.length * 8);
  let offset = sectionHeader.length;
  props.forEach((p, i) => {
    sectionHeader.writeUInt32LE(p.pid, 8 + i * 8);
    sectionHeader.writeUInt32LE(offset, 12 + i * 8);
    offset += values[i].length;
  });
  sectionHeader.writeUInt32LE(offset, 0);
  sectionHeader.writeUInt32LE(props.length, 4);
  const header = Buffer.alloc(48);
  header.writeUInt16LE(0xfffe, 0);
  header.writeUInt32LE(1, 24);
  header.writeUInt32LE(48, 44);
  return Buffer.concat([header, sectionHeader, ...values]);
}

describe('readSummaryInformation', () => {
  it('reads strings in the code page of property 1, even one above the signed 16-bit range (65001)', () => {
    const set = propertySet([
      { pid: SUMMARY_PID.codePage, i2: 65001 },
      { pid: SUMMARY_PID.subject, str: Buffer.from('Portail utilisateur – MFA', 'utf8') },
      { pid: SUMMARY_PID.template, str: Buffer.from('x64;1036') },
      { pid: 15, i4: 42 },
    ]);
    const values = readSummaryInformation(set);
    assert.equal(values.get(SUMMARY_PID.codePage), 65001);
    assert.equal(values.get(SUMMARY_PID.subject), 'Portail utilisateur – MFA');
    assert.equal(values.get(SUMMARY_PID.template), 'x64;1036');
    assert.equal(values.get(15), 42);
  });

  it('reads strings as 1252 when the code page is 1252', () => {
    const values = readSummaryInformation(
      propertySet([
        { pid: SUMMARY_PID.codePage, i2: 1252 },
        { pid: SUMMARY_PID.author, str: Buffer.from([0x4c, 0x74, 0xe9, 0x65, 0x80]) },
      ]),
    );
    assert.equal(values.get(SUMMARY_PID.author), 'Ltée€');
  });

  it('refuses a set without the byte-order mark, and a truncated one', () => {
    const good = propertySet([{ pid: SUMMARY_PID.template, str: Buffer.from('Intel;1033') }]);
    const noMark = Buffer.from(good);
    noMark.writeUInt16LE(0, 0);
    assert.throws(() => readSummaryInformation(noMark), SummaryFormatError);
    assert.throws(() => readSummaryInformation(good.subarray(0, good.length - 8)), /truncated/);
  });
});
