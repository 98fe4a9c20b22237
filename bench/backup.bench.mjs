// Backup throughput: the library's one-pass copy + SHA-256 + fsync + verify of a 1 GiB file, against
// `cp` followed by `sha256sum` of the copy (what an admin would do by hand), both run as child processes.
// Run:  node --import tsx bench/backup.bench.mjs      (Linux; needs cp and sha256sum on PATH; ~3 GiB free in tmp)
// Prints the medians of 3 runs, their ratio, and the peak RSS of the library's process.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, createReadStream } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const SIZE = 1024 ** 3;
const RUNS = 3;
const here = path.dirname(fileURLToPath(import.meta.url));
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

async function makeFile(file) {
  const h = await fs.open(file, 'w');
  const chunk = 8 * 1024 * 1024;
  for (let done = 0; done < SIZE; done += chunk) await h.write(randomBytes(chunk));
  await h.close();
}

async function warm(file) {
  // eslint-disable-next-line no-unused-vars -- reading every chunk is the measurement; the chunk itself is not needed
  for await (const _ of createReadStream(file, { highWaterMark: 4 * 1024 * 1024 }));
}

const work = await fs.mkdtemp(path.join(os.tmpdir(), 'mfa-backup-bench-'));
try {
  const source = path.join(work, 'big.bin');
  const dest = path.join(work, 'dest');
  await fs.mkdir(dest);
  process.stdout.write(`creating a ${SIZE / 1024 ** 3} GiB file in ${work}…\n`);
  await makeFile(source);
  await warm(source);

  const lib = [];
  const tools = [];
  const toolsSynced = [];
  let peakKiB = 0;
  let baseKiB = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = run(process.execPath, ['--import', 'tsx', path.join(here, 'backup-worker.mjs'), source, dest]);
    const out = JSON.parse(r.stdout.trim().split('\n').pop());
    if (out.bytes !== SIZE) throw new Error(`library copied ${out.bytes} bytes`);
    lib.push(out.ms);
    peakKiB = Math.max(peakKiB, out.maxRssKiB);
    baseKiB = Math.max(baseKiB, out.rssBeforeKiB);

    const copy = path.join(dest, 'copy.bin');
    const cp = run('cp', [source, copy]);
    const sum = run('sha256sum', [copy]);
    tools.push(cp.ms + sum.ms);
    await fs.rm(copy);
    // For reference only: the same with the copy flushed to disk, as the library does (fsync).
    const cp2 = run('cp', [source, copy]);
    const sync = run('sync', [copy]);
    const sum2 = run('sha256sum', [copy]);
    toolsSynced.push(cp2.ms + sync.ms + sum2.ms);
    await fs.rm(copy);
  }
  const m = median(lib);
  const t = median(tools);
  console.log(`library copy+hash+fsync+verify  median ${m.toFixed(0)} ms   runs ${lib.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`cp + sha256sum                  median ${t.toFixed(0)} ms   runs ${tools.map((x) => x.toFixed(0)).join(', ')}`);
  console.log(`cp + sync + sha256sum (ref)     median ${median(toolsSynced).toFixed(0)} ms`);
  console.log(`ratio library / (cp + sha256sum) = ${(m / t).toFixed(2)}`);
  console.log(`library peak RSS ${(peakKiB / 1024).toFixed(1)} MiB (process after loading node + tsx, before the backup: ${(baseKiB / 1024).toFixed(1)} MiB)`);
} finally {
  await fs.rm(work, { recursive: true, force: true });
}
