// Issue #7, the RemoteHost adapter itself over a real SSH remoting session (loopback): copying installers to the far
// server (hashed both ends), large files over Copy-Item -ToSession/-FromSession, batching, and the call latency.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { openModuleSession, pwshExecutable, repoRoot } from '../helpers/pwsh';
import { LoopbackSshd, assertSshdAvailable, remoteTestsSkip } from '../helpers/sshd';
import { closeRemoteConnections, openRemoteHosts } from '../../core/host/remote/open-remote';
import { RemoteHost } from '../../core/host/remote/remote-host';
import { RemoteConnection } from '../../core/host/remote/remote-connection';
import { remoteOptionsFor } from '../../core/host/remote/remote-options';
import type { FarIdentity } from '../../core/host/remote/host-rpc';
import { isCoreError } from '../../core/util/errors';

const skip = remoteTestsSkip();
let sshd: LoopbackSshd;
let root: string;
let lab: string;
let host: RemoteHost;
const savedEnv = { ...process.env };

before(async () => {
  if (skip) return;
  assertSshdAvailable();
  sshd = await LoopbackSshd.start();
  root = mkdtempSync(path.join(os.tmpdir(), 'mfa-remote-host-'));
  lab = path.join(root, 'far-lab');
  const ps = await openModuleSession(root);
  const made = await ps.run('New-MfaLab -Path $V.lab -Scenario SingleServer | Out-Null', { lab });
  await ps.close();
  assert.ok(made.ok, made.terminatingError?.message);
  // This test process is node (not pwsh): tell the adapter which PowerShell opens the session.
  Object.assign(process.env, sshd.clientEnv, { MFA_PWSH: pwshExecutable() });
  [host] = await openRemoteHosts('127.0.0.1', lab);
});

after(async () => {
  if (skip) return;
  await closeRemoteConnections();
  process.env = savedEnv;
  await sshd?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('installers copied to the far server arrive byte for byte and read back the same', { skip }, async () => {
  const media = path.join(repoRoot, 'assets', 'lab-media');
  const files = readdirSync(media).filter((f) => /\.(msi|exe)$/i.test(f));
  assert.ok(files.length >= 3);
  await host.makeDirectory('C:\\Media\\Copied'); // a write never makes its folder (Host contract)
  for (const f of files) await host.writeFileAtomic(`C:\\Media\\Copied\\${f}`, readFileSync(path.join(media, f)));
  for (const f of files) {
    const onFarDisk = readFileSync(path.join(lab, 'C', 'Media', 'Copied', f));
    assert.equal(sha(onFarDisk), sha(readFileSync(path.join(media, f))), f);
    assert.equal(sha(await host.readFile(`C:\\Media\\Copied\\${f}`)), sha(onFarDisk), `${f} read back`);
  }
  const listed = (await host.listDirectory('C:\\Media\\Copied')).map((e) => e.name).sort();
  assert.deepEqual(listed, [...files].sort());
});

test('a file above the inline limit travels with Copy-Item over the session, both ways, hash-checked', { skip }, async () => {
  const big = randomBytes(6 * 1024 * 1024);
  await host.makeDirectory('C:\\Big');
  await host.writeFileAtomic('C:\\Big\\data.bin', big);
  assert.equal(sha(readFileSync(path.join(lab, 'C', 'Big', 'data.bin'))), sha(big));
  const back = await host.readFile('C:\\Big\\data.bin');
  assert.equal(sha(back), sha(big));
});

test('far errors keep their code and name the server; concurrent calls share one round trip', { skip }, async () => {
  await assert.rejects(host.readFile('C:\\nothing\\here.txt'), (e: unknown) => isCoreError(e) && e.code === 'FileNotFound' && e.message.startsWith('[127.0.0.1] '));
  assert.equal(await host.stat('C:\\nothing\\here.txt'), undefined);
  const before = { ...host.connection.stats };
  const t0 = Date.now();
  const stats = await Promise.all(Array.from({ length: 8 }, () => host.stat('C:\\Windows')));
  const batched = Date.now() - t0;
  assert.ok(stats.every((s) => s?.isDirectory === true));
  assert.ok(host.connection.stats.roundTrips - before.roundTrips <= 2, 'eight concurrent calls took at most two round trips');
  const t1 = Date.now();
  for (let i = 0; i < 5; i++) await host.stat('C:\\Windows');
  const perCall = (Date.now() - t1) / 5;
  // The figure for the report: one sequential host call = one Invoke-Command + one far core start.
  console.log(`remote host call latency: ${perCall.toFixed(0)} ms sequential; 8 concurrent calls in ${batched} ms`);
});

/** The far cores kept running for sessions of this sshd (found by their command line). */
function servingCores(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmd.includes('--serve-host') && cmd.includes(sshd.farModuleFolder);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function sequentialMs(h: RemoteHost, n: number): Promise<number> {
  await h.stat('C:\\Windows'); // warm: the first call may start the far core
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await h.stat('C:\\Windows');
  return Number(process.hrtime.bigint() - t0) / 1e6 / n;
}

test('host calls go to a core kept running on the target; starting a core per batch is the slower fallback', { skip }, async () => {
  const before = { ...host.connection.stats };
  const served = await sequentialMs(host, 10);
  assert.equal(host.connection.perCallReason, undefined);
  assert.equal(host.connection.stats.served - before.served, host.connection.stats.roundTrips - before.roundTrips, 'every round trip was served by the running core');
  assert.equal(servingCores().length, 1, 'one far core for the session');

  // The same server through a connection that starts a core for each batch (MFA_REMOTE_PER_CALL_CORE=1).
  const perCall = await RemoteConnection.open({ ...remoteOptionsFor('127.0.0.1'), perCallCore: true });
  try {
    const [identity] = (await perCall.call({ target: { labPath: lab }, method: 'describe', args: [] })) as FarIdentity[];
    const other = new RemoteHost(perCall, { labPath: lab, labServer: identity.labServer ?? undefined }, identity);
    const started = await sequentialMs(other, 5);
    assert.equal(perCall.stats.served, 0);
    assert.match(perCall.perCallReason ?? '', /MFA_REMOTE_PER_CALL_CORE/);
    assert.equal((await other.stat('C:\\Windows'))?.isDirectory, true, 'the per-batch path gives the same answers');
    console.log(`remote host call latency, sequential: ${served.toFixed(1)} ms with the far core kept running, ${started.toFixed(1)} ms starting a core per call`);
    assert.ok(served < started, `a running core answers faster (${served.toFixed(1)} ms) than one started per call (${started.toFixed(1)} ms)`);
  } finally {
    await perCall.close();
  }
});

test('a far core that ended is started again for the next batch; closing the session ends it', { skip }, async () => {
  const [pid] = servingCores();
  assert.ok(pid, 'a far core is running');
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && servingCores().includes(pid); i++) await sleep(50);
  const servedBefore = host.connection.stats.served;
  assert.equal((await host.stat('C:\\Windows'))?.isDirectory, true);
  assert.equal(host.connection.stats.served, servedBefore + 1, 'answered by a new far core, not by the per-call fallback');
  const now = servingCores();
  assert.equal(now.length, 1);
  assert.notEqual(now[0], pid);
  await closeRemoteConnections();
  for (let i = 0; i < 100 && servingCores().length > 0; i++) await sleep(50);
  assert.deepEqual(servingCores(), [], 'the far core ends with the session');
});
