// readiness.json read back as a claim: rows of the right shape only, and unchanged when the journal keeps its hash.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadReadiness, saveReadiness } from '../../../core/journal/readiness-record';
import type { ReadinessRow } from '../../../core/domain/readiness-types';

const ROW: ReadinessRow = { ComputerName: 'MFA01', Check: 'PendingRestart', Result: 'Failed', Detail: 'pending', Action: 'Restart.', Basis: 'b', Accepted: true };

test('saved rows come back; the hash returned is the one the journal keeps', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-readiness-'));
  try {
    const sha = await saveReadiness(dir, [ROW]);
    assert.match(sha, /^[0-9a-f]{64}$/);
    assert.deepEqual(await loadReadiness(dir, sha), { rows: [ROW], problem: null });
    assert.deepEqual(await loadReadiness(path.join(dir, 'none')), { rows: [], problem: null }, 'no file is no problem');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an edited, malformed or foreign file is not used, and the reason names the file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-readiness-'));
  const file = path.join(dir, 'readiness.json');
  try {
    const sha = await saveReadiness(dir, [ROW]);
    writeFileSync(file, JSON.stringify([{ ...ROW, Result: 'Passed' }]));
    const edited = await loadReadiness(dir, sha);
    assert.deepEqual(edited.rows, []);
    assert.match(edited.problem ?? '', /readiness\.json was changed since the run wrote it/);
    for (const [text, why] of [
      ['{not json', /not valid JSON/],
      ['{"rows":[]}', /does not hold readiness rows \(row 1/],
      [JSON.stringify([ROW, { ...ROW, Check: 'Reboot' }]), /row 2 is not one/],
      [JSON.stringify([{ ...ROW, Accepted: 'yes' }]), /row 1 is not one/],
    ] as const) {
      writeFileSync(file, text);
      const r = await loadReadiness(dir);
      assert.deepEqual(r.rows, [], text);
      assert.match(r.problem ?? '', why, text);
      assert.ok(r.problem?.includes(file), 'names the file');
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
