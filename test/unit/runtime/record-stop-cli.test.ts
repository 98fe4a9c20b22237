// mfa-core --record-stop through the core's CLI (the bundled mfa-core.cjs, stdin in, envelope out), as a hostile
// local user would call it (issue 23, item 8): a completed journal takes no stop, however many process ids are named;
// a stop goes only into the run of a dead core that still holds the run lock; the log line goes into the run's own
// log as its journal records it, never into a file the request names; a request that is not exactly what the module
// sends is refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Journal } from '../../../core/journal/index';
import { corePath } from '../../helpers/contracts';

interface Folder {
  dir: string;
  journal: string;
  log: string;
}

/** A run folder with a journal whose one step runs (or completed), recording its CMTrace log beside it. */
async function runFolder(complete = false): Promise<Folder> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-record-stop-cli-'));
  const journal = path.join(dir, 'journal.json');
  const log = path.join(dir, 'MfaServerUpgrade.log');
  const steps = [{ Id: 'MFA01:backup', Order: 1, Action: 'Backup', ComputerName: 'MFA01', Kind: 'Automatic' }];
  const j = await Journal.create(journal, steps, { planSha256: 'a'.repeat(64), servers: [{ ComputerName: 'MFA01', MachineId: 'm', Found: {} }], runBy: { Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: null } }, { LogPath: log });
  await j.startStep('MFA01:backup');
  if (complete) await j.completeStep('MFA01:backup', 'done');
  return { dir, journal, log };
}

const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid;
const lock = (dir: string, pid: number) =>
  writeFileSync(path.join(dir, 'run.lock'), JSON.stringify({ pid, computerName: os.hostname(), user: 'u', startedUtc: new Date().toISOString() }));

type RecordStopEnvelope = { ok: boolean; result?: { Recorded: boolean; Reason?: string }[]; error?: { code: string; message: string } };

function recordStop(request: unknown): { exitCode: number; envelope: RecordStopEnvelope } {
  const r = spawnSync(process.execPath, [corePath, '--record-stop'], { input: typeof request === 'string' ? request : JSON.stringify(request), encoding: 'utf8' });
  return { exitCode: r.status ?? -1, envelope: JSON.parse(r.stdout) };
}

const stopsOf = (journal: string) => (JSON.parse(readFileSync(journal, 'utf8')) as { Stops: { Cause: string; ProcessId: number }[] }).Stops;

test('a completed journal takes no stop: ten requests with ten dead process ids leave it byte for byte', async () => {
  const f = await runFolder(true);
  try {
    const before = readFileSync(f.journal);
    for (let i = 0; i < 10; i++) {
      const pid = deadPid();
      lock(f.dir, pid); // even a lock naming the dead core does not reopen a completed run
      const r = recordStop({ journal: f.journal, cause: 'CoreKilled', detail: 'exit 137', processId: pid });
      assert.equal(r.envelope.ok, true, JSON.stringify(r.envelope));
      assert.equal(r.envelope.result?.[0].Recorded, false);
      assert.match(r.envelope.result?.[0].Reason ?? '', /completed/);
    }
    assert.deepEqual(readFileSync(f.journal), before);
    assert.equal(existsSync(f.log), false, 'no log line either');
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test("the log line goes into the run's own log; a request naming a log file is refused and the file is not touched", async () => {
  const f = await runFolder();
  try {
    const dead = deadPid();
    lock(f.dir, dead);
    const elsewhere = path.join(f.dir, 'elsewhere.txt');
    const named = recordStop({ journal: f.journal, log: elsewhere, cause: 'CoreKilled', detail: 'x', processId: dead });
    assert.equal(named.envelope.ok, false);
    assert.equal(named.envelope.error?.code, 'RunStopNotRecorded');
    assert.match(named.envelope.error?.message ?? '', /"log"/);
    assert.equal(existsSync(elsewhere), false);
    assert.deepEqual(stopsOf(f.journal), []);
    const r = recordStop({ journal: f.journal, cause: 'CoreKilled', detail: 'exit 137', processId: dead });
    assert.equal(r.envelope.ok, true, JSON.stringify(r.envelope));
    assert.deepEqual(stopsOf(f.journal).map((s) => [s.Cause, s.ProcessId]), [['CoreKilled', dead]]);
    assert.match(readFileSync(f.log, 'utf8'), /Run stopped \(CoreKilled\)/);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('only the dead core that holds the run lock gets a stop: a live process, another pid or no lock at all get none', async () => {
  const f = await runFolder();
  try {
    const before = readFileSync(f.journal);
    const dead = deadPid();
    // No lock: the run released it, so it ended on its own and recorded how.
    let r = recordStop({ journal: f.journal, cause: 'CoreKilled', detail: '', processId: dead });
    assert.equal(r.envelope.result?.[0]?.Recorded ?? false, false, JSON.stringify(r.envelope));
    // The lock names another process than the request.
    lock(f.dir, deadPid());
    r = recordStop({ journal: f.journal, cause: 'CoreKilled', detail: '', processId: dead });
    assert.equal(r.envelope.result?.[0]?.Recorded ?? false, false, JSON.stringify(r.envelope));
    // The process named is alive (this test): a running core is not dead, whatever the request says.
    lock(f.dir, process.pid);
    r = recordStop({ journal: f.journal, cause: 'CoreKilled', detail: '', processId: process.pid });
    assert.equal(r.envelope.ok, false, JSON.stringify(r.envelope));
    assert.deepEqual(readFileSync(f.journal), before);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});

test('a request that is not what the module sends is refused, naming the field', async () => {
  const f = await runFolder();
  try {
    const dead = deadPid();
    lock(f.dir, dead);
    const good = { journal: f.journal, cause: 'CoreKilled', detail: 'd', processId: dead };
    const cases: [unknown, RegExp][] = [
      ['not json', /not JSON/],
      [[good], /an object/],
      [{ ...good, journal: path.relative(process.cwd(), f.journal) }, /"journal"/],
      [{ ...good, processId: -1 }, /"processId"/],
      [{ ...good, processId: 1.5 }, /"processId"/],
      [{ ...good, detail: 42 }, /"detail"/],
      [{ ...good, cause: 'NotRecorded' }, /"cause"/],
      [{ ...good, extra: true }, /"extra"/],
    ];
    for (const [request, message] of cases) {
      const r = recordStop(request);
      assert.equal(r.envelope.ok, false, JSON.stringify(request));
      assert.equal(r.envelope.error?.code, 'RunStopNotRecorded');
      assert.match(r.envelope.error?.message ?? '', message);
    }
    assert.deepEqual(stopsOf(f.journal), []);
  } finally {
    rmSync(f.dir, { recursive: true, force: true });
  }
});
