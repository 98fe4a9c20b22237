// mfa-core --record-stop: the transport's record of a core killed from outside. It writes only a journal no live run
// holds, once per dead core, and refuses a request that names no journal.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Journal } from '../../../core/journal/index';
import { recordStopFromTransport } from '../../../core/runtime/record-stop';

async function runFolder(): Promise<{ dir: string; journal: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-record-stop-'));
  const journal = path.join(dir, 'journal.json');
  const steps = [{ Id: 'MFA01:backup', Order: 1, Action: 'Backup', ComputerName: 'MFA01', Kind: 'Automatic' }];
  const j = await Journal.create(journal, steps, {
    planSha256: 'a'.repeat(64),
    servers: [{ ComputerName: 'MFA01', MachineId: 'm', Found: {} }],
    runBy: { Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: null },
  });
  await j.startStep('MFA01:backup');
  return { dir, journal };
}

const lock = (dir: string, pid: number) =>
  writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid, computerName: os.hostname(), user: 'u', startedUtc: new Date().toISOString() }));
const request = (journal: string, processId: number) => JSON.stringify({ journal, cause: 'CoreKilled', detail: 'exit 137', processId });
const stops = (journal: string) => (JSON.parse(readFileSync(journal, 'utf8')) as { Stops: { Cause: string; RecordedBy: string; Step: string; ProcessId: number }[] }).Stops;

test('the lock of the dead core itself: the stop is recorded once, by the module, in the running step', async () => {
  const { dir, journal } = await runFolder();
  try {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    lock(dir, dead);
    const [first, code] = await recordStopFromTransport(request(journal, dead));
    assert.equal(code, 0, JSON.stringify(first));
    assert.deepEqual(stops(journal).map((s) => [s.Cause, s.RecordedBy, s.Step, s.ProcessId]), [['CoreKilled', 'Module', 'MFA01:backup', dead]]);
    const [again] = await recordStopFromTransport(request(journal, dead));
    assert.equal((again as { result: { Recorded: boolean }[] }).result[0].Recorded, false);
    assert.equal(stops(journal).length, 1, 'not recorded twice');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a journal another live run holds is left alone; a request naming no journal is refused', async () => {
  const { dir, journal } = await runFolder();
  try {
    lock(dir, process.pid); // this test process: alive, on this machine
    const before = readFileSync(journal);
    const [other] = await recordStopFromTransport(request(journal, 999_999));
    assert.equal((other as { result: { Recorded: boolean }[] }).result[0].Recorded, false);
    const [refused, code] = await recordStopFromTransport(request(journal, process.pid));
    assert.notEqual(code, 0);
    assert.equal((refused as { error: { code: string } }).error.code, 'RunStopNotRecorded');
    assert.deepEqual(readFileSync(journal), before);
    const [bad] = await recordStopFromTransport(request(path.join(dir, 'plan.json'), 1));
    assert.match((bad as { error: { message: string } }).error.message, /is not the full path of a journal\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
