// Verified backup throughput: the library's backup of one big data file (read, SHA-256, write, fsync, re-read of the
// durable copy to verify) against `cp` + `sync` + `openssl dgst -sha256` of the same data (a durable copy and one hash,
// which verifies nothing), both run as child processes, interleaved, warm page cache for the source.
// Run:  node --import tsx bench/backup.bench.mjs [sizeMiB] [runs]      (Linux; needs cp, sync and openssl on PATH)
// Default 512 MiB (needs about 3x the size free in tmp); a smaller size when the disk is tight. Prints the medians,
// their ratio, and the peak RSS of the library's process. BENCH_BACKUP_DIR=/dev/shm runs it where fsync costs nothing:
// what is left is the work of the processors (two SHA-256 passes on two threads against OpenSSL's one).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, createReadStream, statfsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIB = 1024 * 1024;
const requestedMiB = Number(process.argv[2] ?? process.env.BENCH_BACKUP_MIB ?? 512);
const RUNS = Number(process.argv[3] ?? 5);
const here = path.dirname(fileURLToPath(import.meta.url));
const base = process.env.BENCH_BACKUP_DIR ?? os.tmpdir();
// NODE_EXTRA_CA_CERTS adds ~65 ms to every node start on these machines and has nothing to do with backups.
const childEnv = { ...process.env };
delete childEnv.NODE_EXTRA_CA_CERTS;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function run(cmd, args) {
  const started = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: childEnv, encoding: 'utf8', maxBuffer: 1 << 20 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return { ms, stdout: r.stdout };
}

/** The size asked for, or less when tmp has not room for the source, one copy and a margin (3x). */
function benchSize() {
  const s = statfsSync(base);
  const freeMiB = Math.floor((s.bavail * s.bsize) / MIB);
  const sizeMiB = Math.min(requestedMiB, Math.floor(freeMiB / 3));
  if (sizeMiB < 16) throw new Error(`only ${freeMiB} MiB free in ${base}: too little for the benchmark`);
  if (sizeMiB < requestedMiB) process.stdout.write(`only ${freeMiB} MiB free: benchmarking ${sizeMiB} MiB instead of ${requestedMiB}\n`);
  return sizeMiB * MIB;
}

async function makeFile(file, size) {
  const h = await fs.open(file, 'w');
  const chunk = 8 * MIB;
  for (let done = 0; done < size; done += chunk) await h.write(randomBytes(Math.min(chunk, size - done)));
  await h.sync();
  await h.close();
}

async function warm(file) {
  // eslint-disable-next-line no-unused-vars -- reading every chunk is the measurement; the chunk itself is not needed
  for await (const _ of createReadStream(file, { highWaterMark: 4 * MIB }));
}

const SIZE = benchSize();
const work = await fs.mkdtemp(path.join(base, 'mfa-backup-bench-'));
try {
  const source = path.join(work, 'big.bin');
  const dest = path.join(work, 'dest');
  await fs.mkdir(dest);
  process.stdout.write(`creating a ${SIZE / MIB} MiB file in ${work}…\n`);
  await makeFile(source, SIZE);
  await warm(source);
  run('sync', []);

  const lib = [];
  const tools = [];
  let peakKiB = 0;
  let baseKiB = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = run(process.execPath, ['--import', 'tsx', path.join(here, 'backup-worker.mjs'), source, dest]);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    if (out.bytes !== SIZE) throw new Error(`library copied ${out.bytes} bytes`);
    lib.push(out.ms);
    peakKiB = Math.max(peakKiB, out.maxRssKiB);
    baseKiB = Math.max(baseKiB, out.rssBeforeKiB);
    run('sync', []);

    const copy = path.join(dest, 'copy.bin');
    const cp = run('cp', [source, copy]);
    const sync = run('sync', [copy]);
    const sum = run('openssl', ['dgst', '-sha256', copy]);
    tools.push(cp.ms + sync.ms + sum.ms);
    await fs.rm(copy);
    run('sync', []);
  }
  const m = median(lib);
  const t = median(tools);
  const ratio = m / t;
  console.log(`backup of ${SIZE / MIB} MiB, ${RUNS} interleaved runs`);
  console.log(`library copy+hash+fsync+verify       median ${m.toFixed(0)} ms   runs ${lib.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`cp + sync + openssl dgst -sha256     median ${t.toFixed(0)} ms   runs ${tools.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`ratio library / (cp + sync + openssl) = ${ratio.toFixed(2)}x (goal <= 0.9x) ${ratio <= 0.9 ? 'OK' : 'ABOVE GOAL'}`);
  console.log(`library peak RSS ${(peakKiB / 1024).toFixed(1)} MiB (process after loading node + tsx, before the backup: ${(baseKiB / 1024).toFixed(1)} MiB)`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
