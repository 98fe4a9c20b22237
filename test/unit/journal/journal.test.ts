import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdtemp, readFile, readdir, writeFile, rm } from 'node:fs/promises';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { Journal, type JournalPlanStep } from '../../../core/journal';
import { CoreError } from '../../../core/util/errors';
import { redactor } from '../../../core/util/secrets';

const STEPS: JournalPlanStep[] = [
  { Id: 'MFA01:backup', Order: 1, Action: 'Backup', ComputerName: 'MFA01', Kind: 'Automatic' },
  { Id: 'MFA01:uninstall:Agent', Order: 2, Action: 'Uninstall', ComputerName: 'MFA01', Kind: 'Automatic' },
  { Id: 'MFA01:install-server', Order: 3, Action: 'InstallServer', ComputerName: 'MFA01', Kind: 'Automatic' },
  { Id: 'MFA01:confirm-activation', Order: 4, Action: 'ConfirmActivation', ComputerName: 'MFA01', Kind: 'Manual' },
  { Id: 'MFA01:verify', Order: 5, Action: 'Verify', ComputerName: 'MFA01', Kind: 'Automatic' },
];

/** What a journal records about its run besides the steps (a made-up plan hash and server). */
const RECORD = {
  planSha256: 'a'.repeat(64),
  servers: [{ ComputerName: 'MFA01', MachineId: '3f1c1d0e-0000-4000-8000-000000000001', Found: {} }],
  runBy: { Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: null },
};

async function tempJournalPath(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'journal-test-'));
  return join(dir, 'journal.json');
}

/** A clock that moves 1.5 s forward on every reading. */
function steppingClock(start = Date.UTC(2025, 0, 2, 3, 4, 5)) {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 1500;
    return d;
  };
}

const coreError = (code: string) => (e: unknown) => e instanceof CoreError && e.code === code;

test('create writes a valid journal with every plan step Pending, in plan order', async () => {
  const file = await tempJournalPath();
  const shuffled = [STEPS[2], STEPS[0], STEPS[4], STEPS[1], STEPS[3]];
  const j = await Journal.create(file, { Steps: shuffled }, RECORD, { RunId: 'run-1', Naming: 'New' }, { clock: steppingClock() });
  const onDisk = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(onDisk.FormatVersion, 2);
  assert.equal(onDisk.PlanSha256, RECORD.planSha256);
  assert.deepEqual(onDisk.Servers, RECORD.servers);
  assert.deepEqual(onDisk.Replans, []);
  assert.equal(onDisk.RunId, 'run-1');
  assert.equal(onDisk.Status, 'Running');
  assert.equal(onDisk.CreatedAt, '2025-01-02T03:04:05.000Z');
  assert.deepEqual(onDisk.Meta, { Naming: 'New' });
  assert.deepEqual(onDisk.Steps.map((s: { Id: string }) => s.Id), STEPS.map((s) => s.Id));
  assert.ok(onDisk.Steps.every((s: { Status: string }) => s.Status === 'Pending'));
  assert.deepEqual(j.nextStep()?.Id, 'MFA01:backup');
  await assert.rejects(Journal.create(file, STEPS, RECORD), coreError('JournalExists'));
});

test('each transition is on disk when the call returns; reloading gives the same journal', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD, { RunId: 'r' }, { clock: steppingClock() });
  await j.startStep('MFA01:backup');
  let disk = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(disk.Steps[0].Status, 'Running', 'written before the step acts');
  assert.equal(disk.Steps[0].Attempts, 1);
  await j.completeStep('MFA01:backup', 'Backup verified', { BackupPath: 'C:\\MfaBackup\\PhoneFactor-20250102-030405', Files: 12 });
  disk = JSON.parse(await readFile(file, 'utf8'));
  assert.equal(disk.Steps[0].Status, 'Completed');
  assert.equal(disk.Steps[0].DurationMs, 1500);
  assert.deepEqual(disk.Steps[0].Data, { BackupPath: 'C:\\MfaBackup\\PhoneFactor-20250102-030405', Files: 12 });
  await j.startStep('MFA01:uninstall:Agent');
  await j.completeStep('MFA01:uninstall:Agent', 'Uninstalled', { ExitCode: 3010, RebootRequired: true });

  const reloaded = await Journal.load(file);
  assert.deepEqual(reloaded.document, j.document);
  assert.equal(reloaded.nextStep()?.Id, 'MFA01:install-server');
});

test('resume position: a step left Running is the next step and must be rechecked', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD);
  await j.startStep('MFA01:backup');
  await j.completeStep('MFA01:backup', 'ok');
  await j.skipStep('MFA01:uninstall:Agent', 'Already gone (1605)');
  await j.startStep('MFA01:install-server');
  // The process dies here.
  const resumed = await Journal.load(file);
  assert.equal(resumed.status, 'Running');
  assert.equal(resumed.nextStep()?.Id, 'MFA01:install-server');
  assert.deepEqual(resumed.stepsToRecheck().map((s) => s.Id), ['MFA01:install-server']);
  await resumed.startStep('MFA01:install-server');
  assert.equal(resumed.step('MFA01:install-server').Attempts, 2);
  await resumed.completeStep('MFA01:install-server', 'ok');
  assert.deepEqual(resumed.stepsToRecheck(), []);
});

test('run status: Paused on a manual step, Failed on a failure, Completed when every step is done', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD);
  for (const id of ['MFA01:backup', 'MFA01:uninstall:Agent', 'MFA01:install-server']) {
    await j.startStep(id);
    await j.completeStep(id, 'ok');
  }
  await j.startStep('MFA01:confirm-activation');
  await j.pauseStep('MFA01:confirm-activation', 'Waiting for activation', { NeedsActivation: true });
  assert.equal((await Journal.load(file)).status, 'Paused');
  assert.equal(j.nextStep()?.Id, 'MFA01:confirm-activation');
  await j.startStep('MFA01:confirm-activation');
  await j.completeStep('MFA01:confirm-activation', 'Activated');
  assert.equal(j.step('MFA01:confirm-activation').Data.NeedsActivation, true, 'data of earlier attempts is kept');
  await j.startStep('MFA01:verify');
  await j.failStep('MFA01:verify', 'Portal answers on the wrong vdir');
  assert.equal((await Journal.load(file)).status, 'Failed');
  await j.startStep('MFA01:verify');
  assert.equal(j.status, 'Running');
  await j.completeStep('MFA01:verify', 'ok');
  assert.equal((await Journal.load(file)).status, 'Completed');
  assert.equal(j.nextStep(), null);
});

test('a step is never done twice, and transitions are checked', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD);
  await assert.rejects(j.completeStep('MFA01:backup', 'ok'), coreError('JournalStepNotRunning'));
  await j.startStep('MFA01:backup');
  await j.completeStep('MFA01:backup', 'ok');
  await assert.rejects(j.startStep('MFA01:backup'), coreError('JournalStepDone'));
  await assert.rejects(j.skipStep('MFA01:backup', 'x'), coreError('JournalStepDone'));
  await assert.rejects(j.startStep('MFA01:nope'), coreError('JournalStepUnknown'));
  await assert.rejects(Journal.create(await tempJournalPath(), [STEPS[0], STEPS[0]], RECORD), coreError('JournalStepDuplicate'));
});

test('no secrets: secret-looking keys are refused, registered secret values are redacted', async () => {
  const file = await tempJournalPath();
  const secret = 'Tr0ub4dor&3-journal';
  redactor.register(secret);
  const j = await Journal.create(file, STEPS, RECORD, { InstallerPath: `C:\\Media ${secret}` });
  await j.startStep('MFA01:backup');
  await assert.rejects(j.completeStep('MFA01:backup', 'ok', { WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD: 'x' }), coreError('JournalSecretRefused'));
  await assert.rejects(j.completeStep('MFA01:backup', 'ok', { ApiToken: 'x' }), coreError('JournalSecretRefused'));
  await assert.rejects(Journal.create(await tempJournalPath(), STEPS, RECORD, { Password: 'x' }), coreError('JournalSecretRefused'));
  await assert.rejects(j.completeStep('MFA01:backup', 'ok', { Nested: { a: 1 } }), coreError('JournalValueInvalid'));
  await j.completeStep('MFA01:backup', `msiexec said ${secret}`, { Message: `value ${secret}` });
  const text = await readFile(file, 'utf8');
  assert.ok(!text.includes(secret), 'the secret reached journal.json');
  assert.match(text, /msiexec said \*{8}/);
  assert.equal(j.step('MFA01:backup').Data.Message, 'value ********');
});

test('corrupt or foreign files give JournalCorrupt naming the file', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD);
  await j.startStep('MFA01:backup');
  const good = await readFile(file, 'utf8');
  const cases: [string, RegExp][] = [
    [good.slice(0, good.length / 2), /not valid JSON/],
    ['[]', /JSON object/],
    [good.replace('"FormatVersion": 2', '"FormatVersion": 99'), /format version is 99/],
    [good.replace('"Status": "Running"', '"Status": "Exploded"'), /Status/],
    [good.replace('"Id": "MFA01:verify"', '"Id": "MFA01:backup"'), /appears twice/],
  ];
  for (const [content, why] of cases) {
    await writeFile(file, content);
    await assert.rejects(Journal.load(file), (e: unknown) => {
      assert.ok(e instanceof CoreError);
      assert.equal(e.code, 'JournalCorrupt');
      assert.equal(e.target, file);
      assert.ok(e.message.includes(file));
      assert.match(e.message, why);
      return true;
    });
  }
  await rm(file);
  await assert.rejects(Journal.load(file), coreError('JournalNotFound'));
});

test('a crash between temp write and rename leaves the previous journal intact; load removes the temp file', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD);
  await j.startStep('MFA01:backup');
  const before = await readFile(file, 'utf8');
  // What writeFileAtomic leaves behind if the process dies after writing its temp file but before the rename.
  const temp = join(file, '..', `.journal.json.4242.${Date.now()}.tmp`);
  await writeFile(temp, before.slice(0, 40));
  assert.equal(await readFile(file, 'utf8'), before);
  const loaded = await Journal.load(file);
  assert.deepEqual(loaded.document, j.document);
  assert.deepEqual((await readdir(join(file, '..'))).sort(), ['journal.json']);
});

test('kill-safety: a process killed while journaling always leaves a loadable journal', async () => {
  const writer = `
    const { Journal } = require(${JSON.stringify(require.resolve('../../../core/journal'))});
    const steps = Array.from({ length: 400 }, (_, i) => ({ Id: 'S' + i, Order: i + 1, Action: 'Verify', ComputerName: 'MFA01', Kind: 'Automatic' }));
    (async () => {
      const j = await Journal.create(process.argv[1], steps, ${JSON.stringify(RECORD)});
      process.stdout.write('ready\\n');
      for (const s of steps) { await j.startStep(s.Id); await j.completeStep(s.Id, 'x'.repeat(500), { N: 1 }); }
      process.stdout.write('done\\n');
    })();`;
  for (const delayMs of [0, 5, 20, 60]) {
    const file = await tempJournalPath();
    const child = spawn(process.execPath, ['--import', 'tsx', '-e', writer, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes('ready')) resolve();
      });
      child.on('exit', () => reject(new Error(`writer exited before it was ready: ${out}`)));
    });
    await new Promise((r) => setTimeout(r, delayMs));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(!out.includes('done'), 'the writer finished before it was killed; the test proves nothing');
    const j = await Journal.load(file);
    const doc = j.document;
    assert.equal(doc.Steps.length, 400);
    const running = j.stepsToRecheck().length;
    assert.ok(running <= 1, 'at most the step in progress is left Running');
    const next = j.nextStep();
    assert.ok(next);
    // Everything before the resume position is done; everything after it has not started.
    const i = doc.Steps.findIndex((s) => s.Id === next.Id);
    assert.ok(doc.Steps.slice(0, i).every((s) => s.Status === 'Completed'));
    assert.ok(doc.Steps.slice(i + 1).every((s) => s.Status === 'Pending'));
  }
});

/** A 64 KiB tmpfs, when this machine lets the test mount one (root on Linux); undefined elsewhere. */
function tinyDisk(): { dir: string; unmount: () => void } | undefined {
  if (process.platform !== 'linux') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'journal-disk-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
  if (r.status !== 0) return undefined;
  return { dir, unmount: () => spawnSync('umount', [dir]) };
}

test('a full disk while a step is recorded: JournalWriteFailed naming the file, the journal stays as it was on disk, and the failure can still be recorded', async (t) => {
  const disk = tinyDisk();
  if (!disk) return t.skip('cannot mount a tmpfs here (needs root on Linux); the next test covers the same through the write seam');
  try {
    const file = join(disk.dir, 'journal.json');
    const j = await Journal.create(file, STEPS, RECORD);
    await j.startStep('MFA01:backup');
    // Fill the disk to the last byte.
    const filler = join(disk.dir, 'filler');
    await writeFile(filler, Buffer.alloc(0));
    for (;;) {
      try {
        await appendFile(filler, Buffer.alloc(1024));
      } catch {
        break;
      }
    }
    for (;;) {
      try {
        await appendFile(filler, Buffer.alloc(1));
      } catch {
        break;
      }
    }
    await assert.rejects(j.completeStep('MFA01:backup', 'ok', { BackupPath: 'D:\\b' }), (e: unknown) => {
      assert.ok(e instanceof CoreError);
      assert.equal(e.code, 'JournalWriteFailed');
      assert.ok(e.message.includes(file), e.message);
      assert.match(e.message, /disk space/);
      return true;
    });
    assert.equal(j.step('MFA01:backup').Status, 'Running', 'the unrecorded change is not kept in memory');
    assert.equal(JSON.parse(await readFile(file, 'utf8')).Steps[0].Status, 'Running');
    await rm(filler);
    await j.failStep('MFA01:backup', 'the journal could not be written');
    assert.equal((await Journal.load(file)).step('MFA01:backup').Status, 'Failed');
  } finally {
    disk.unmount();
  }
});

test('a write that fails (the test seam, as a full disk) changes nothing in memory; later writes go on once it works again', async () => {
  const file = await tempJournalPath();
  let full = false;
  const j = await Journal.create(file, STEPS, RECORD, {}, {
    beforeWrite: () => {
      if (full) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    },
  });
  await j.startStep('MFA01:backup');
  full = true;
  await assert.rejects(j.completeStep('MFA01:backup', 'ok'), coreError('JournalWriteFailed'));
  await assert.rejects(j.failStep('MFA01:backup', 'x'), coreError('JournalWriteFailed'));
  assert.deepEqual(j.document, (await Journal.load(file)).document, 'memory and disk agree');
  full = false;
  await j.completeStep('MFA01:backup', 'ok');
  assert.equal((await Journal.load(file)).step('MFA01:backup').Status, 'Completed');
});

test('replan: the journal follows the new plan, keeps what it is told to keep, and records the re-plan', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, RECORD, { InstallerPath: 'C:\\Media\\A' });
  await j.startStep('MFA01:backup');
  await j.completeStep('MFA01:backup', 'ok', { BackupPath: 'D:\\b' });
  await j.startStep('MFA01:uninstall:Agent');
  await j.failStep('MFA01:uninstall:Agent', 'boom');
  const next = [STEPS[0], STEPS[1], { ...STEPS[2], Id: 'MFA01:install-server-2' }, STEPS[3], STEPS[4]];
  await j.replan(next, (id) => id === 'MFA01:backup', 'b'.repeat(64), { InstallerPath: 'C:\\Media\\B', PreviousPlanSha256: RECORD.planSha256 });
  const doc = (await Journal.load(file)).document;
  assert.deepEqual(doc.Steps.map((s) => [s.Id, s.Status]), [
    ['MFA01:backup', 'Completed'],
    ['MFA01:uninstall:Agent', 'Pending'],
    ['MFA01:install-server-2', 'Pending'],
    ['MFA01:confirm-activation', 'Pending'],
    ['MFA01:verify', 'Pending'],
  ]);
  assert.equal(doc.Steps[0].Data.BackupPath, 'D:\\b');
  assert.equal(doc.PlanSha256, 'b'.repeat(64));
  assert.equal(doc.Status, 'Running');
  assert.equal(doc.Replans.length, 1);
  assert.equal(doc.Replans[0].InstallerPath, 'C:\\Media\\B');
  assert.equal(typeof doc.Replans[0].At, 'string');
});

test('stops: a stop recorded while a change is being written survives that write; a tampered stop is JournalCorrupt naming it; none is no stop', async () => {
  const file = await tempJournalPath();
  // The stop lands while the step's completion is being written: that write began from a copy without it.
  const stopMidWrite = (change: string) => {
    if (change === `complete:${STEPS[0].Id}`) j.recordStopSync({ cause: 'Cancelled', detail: 'Ctrl+C', at: new Date() }, 'Core', 4242);
  };
  const j: Journal = await Journal.create(file, STEPS, RECORD, {}, { beforeWrite: stopMidWrite });
  await j.startStep(STEPS[0].Id);
  await j.completeStep(STEPS[0].Id, 'done');
  const reloaded = await Journal.load(file);
  assert.equal(reloaded.step(STEPS[0].Id).Status, 'Completed', 'the queued write landed');
  assert.deepEqual(reloaded.stops.map((s) => [s.Cause, s.RecordedBy, s.ProcessId]), [['Cancelled', 'Core', 4242]], 'and kept the stop');

  const doc = JSON.parse(await readFile(file, 'utf8')) as { Stops?: { Cause: string }[] };
  doc.Stops![0].Cause = 'Reboot';
  await writeFile(file, JSON.stringify(doc));
  await assert.rejects(Journal.load(file), (e: unknown) => e instanceof CoreError && e.code === 'JournalCorrupt' && /stop 1 has an unknown Cause "Reboot"/.test(e.message));
  delete doc.Stops;
  await writeFile(file, JSON.stringify(doc));
  assert.deepEqual((await Journal.load(file)).stops, [], 'a journal written before stops were recorded has none');
});

test('runs: the first run and each continuing run are recorded with account, machine and change; tampered is JournalCorrupt; an older journal has none', async () => {
  const file = await tempJournalPath();
  const j = await Journal.create(file, STEPS, { ...RECORD, runBy: { Account: 'S-1-5-18', Machine: 'MFA01', ChangeId: 'CHG1' } });
  await j.recordRun({ Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: 'CHG2' });
  await j.recordRun({ Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: null });
  const runs = (await Journal.load(file)).runs.map(({ Account, Machine, ChangeId, Resumed }) => ({ Account, Machine, ChangeId, Resumed }));
  assert.deepEqual(runs, [
    { Account: 'S-1-5-18', Machine: 'MFA01', ChangeId: 'CHG1', Resumed: false },
    { Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: 'CHG2', Resumed: true },
    { Account: 'CONTOSO\\admin', Machine: 'ADMIN01', ChangeId: null, Resumed: true },
  ]);

  const doc = JSON.parse(await readFile(file, 'utf8')) as { Runs?: Record<string, unknown>[] };
  for (const [field, value, why] of [
    ['ChangeId', '', /run 2 has a ChangeId that is neither text nor null/],
    ['Account', 7, /run 2 has no Account/],
    ['At', 'yesterday', /run 2 has no time/],
    ['Resumed', 'yes', /run 2 has no Resumed/],
  ] as const) {
    const tampered = structuredClone(doc);
    tampered.Runs![1][field] = value;
    await writeFile(file, JSON.stringify(tampered));
    await assert.rejects(Journal.load(file), (e: unknown) => e instanceof CoreError && e.code === 'JournalCorrupt' && why.test(e.message), field);
  }
  delete doc.Runs;
  await writeFile(file, JSON.stringify(doc));
  assert.deepEqual((await Journal.load(file)).runs, [], 'a journal written before runs were recorded loads, with none');
});
