// Get-MfaServerUsage throughput: the usage feature reading 1 GiB of synthetic service logs (4 rolled-over files, mixed
// components, garbage lines; core/host/lab/service-log-history.ts) against `grep -c` over the same files, median of 3
// interleaved runs, both as child processes on a warm page cache. Also the reader's bound and the peak RSS, at 1/4 of
// the size and at the full size: memory must not grow with the logs.
// Run:  node --import tsx bench/usage.bench.mjs [GiB]      (Linux; needs grep; ~1 GiB free in tmp)
import { spawnSync } from 'node:child_process';
import { promises as fs, createReadStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serviceLogHistory } from '../core/host/lab/service-log-history.ts';

const SIZE = Math.round(Number(process.argv[2] ?? 1) * 1024 ** 3);
const FILES = 4;
const RUNS = 3;
const here = path.dirname(fileURLToPath(import.meta.url));
const childEnv = { ...process.env };
delete childEnv.NODE_EXTRA_CA_CERTS;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const USERS = Array.from({ length: 2000 }, (_, i) => (i % 3 === 0 ? `CONTOSO\\user${i}` : `user${i}@contoso.com`));

function run(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: childEnv, encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0 && !(cmd === 'grep' && r.status === 1)) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return { ms, stdout: r.stdout };
}

/** The logs: one history cut into FILES files of SIZE / FILES bytes, oldest named .3, the current one last. */
async function makeLogs(folder, size) {
  await fs.mkdir(folder, { recursive: true });
  const names = [...Array.from({ length: FILES - 1 }, (_, i) => `MultiFactorAuthSvc.log.${FILES - 1 - i}`), 'MultiFactorAuthSvc.log'];
  const lines = serviceLogHistory({
    seed: 2027, start: new Date('2023-01-01T00:00:00Z'), lines: Number.MAX_SAFE_INTEGER, stepMs: 2000, users: USERS, garbage: 0.01, other: 0.2,
  });
  for (const name of names) {
    const h = await fs.open(path.join(folder, name), 'w');
    let written = 0;
    let batch = [];
    let batchBytes = 0;
    while (written + batchBytes < size / FILES) {
      const text = `${lines.next().value.text}\r\n`;
      batch.push(text);
      batchBytes += text.length;
      if (batchBytes > 4 * 1024 * 1024) {
        await h.write(batch.join(''));
        written += batchBytes;
        batch = [];
        batchBytes = 0;
      }
    }
    await h.write(batch.join(''));
    await h.close();
  }
  return names.map((n) => path.join(folder, n));
}

async function warm(files) {
  // eslint-disable-next-line no-unused-vars -- reading every chunk is the measurement; the chunk itself is not needed
  for (const f of files) for await (const _ of createReadStream(f, { highWaterMark: 4 * 1024 * 1024 }));
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'mfa-usage-bench-'));
try {
  const worker = (folder) =>
    JSON.parse(run(process.execPath, ['--import', 'tsx', path.join(here, 'usage-worker.mjs'), folder]).stdout.trim().split('\n').pop());
  process.stdout.write(`creating ${SIZE / 4 / 1024 ** 2} MiB and ${SIZE / 1024 ** 2} MiB of service logs in ${work}…\n`);
  const quarter = await makeLogs(path.join(work, 'quarter'), SIZE / 4);
  const full = await makeLogs(path.join(work, 'full'), SIZE);
  await warm(quarter);
  const small = worker(path.join(work, 'quarter'));
  await warm(full);
  const lib = [];
  const grep = [];
  let last;
  for (let i = 0; i < RUNS; i++) {
    last = worker(path.join(work, 'full'));
    lib.push(last.ms);
    // What an admin would type to count the authentications: grep -c over the same files.
    const g = run('grep', ['-c', "for user '", ...full]);
    grep.push(g.ms);
    if (i === 0) process.stdout.write(`grep -c per file: ${g.stdout.trim().split('\n').map((l) => l.replace(/^.*:/, '')).join(', ')}\n`);
  }
  const m = median(lib);
  const g = median(grep);
  console.log(`Get-MfaServerUsage feature  median ${m.toFixed(0)} ms   runs ${lib.map((x) => x.toFixed(0)).join(', ')}   (${last.lines} lines, ` +
    `${last.authentications} authentications, ${last.users} users, ${last.unparsed} unparsed)`);
  console.log(`grep -c "for user '"        median ${g.toFixed(0)} ms   runs ${grep.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`ratio usage / grep -c = ${(m / g).toFixed(2)}x (goal <= 2x) ${m / g <= 2 ? 'OK' : 'ABOVE GOAL'}`);
  console.log(`throughput ${((SIZE / 1024 ** 2) / (m / 1000)).toFixed(0)} MiB/s vs grep ${((SIZE / 1024 ** 2) / (g / 1000)).toFixed(0)} MiB/s`);
  console.log(`memory: reader held at most ${(last.maxBufferedBytes / 1024).toFixed(0)} KiB (${(small.maxBufferedBytes / 1024).toFixed(0)} KiB at 1/4 size); ` +
    `peak RSS ${(last.maxRssKiB / 1024).toFixed(1)} MiB at ${SIZE / 1024 ** 2} MiB ` +
      `vs ${(small.maxRssKiB / 1024).toFixed(1)} MiB at ${SIZE / 4 / 1024 ** 2} MiB ` +
    `(node + tsx alone: ${(last.rssBeforeKiB / 1024).toFixed(1)} MiB)`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
