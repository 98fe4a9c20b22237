// Child process of bench/backup.bench.mjs: backs up one file with the library and prints timing and peak RSS.
// Usage: node --import tsx bench/backup-worker.mjs <sourceFile> <destinationFolder>
import { promises as fs } from 'node:fs';
import { createBackup } from '../core/backup/index.ts';

const [source, destination] = process.argv.slice(2);
const WINDOWS_PATH = 'D:\\Bench\\big.bin';

// Just enough Host for one local file: the backup streams it through localPath.
const host = {
  kind: 'lab',
  computerName: 'BENCH',
  is64Bit: true,
  localPath: (p) => (p === WINDOWS_PATH ? source : undefined),
  stat: async (p) => {
    const s = await fs.stat(source);
    return p === WINDOWS_PATH ? { size: s.size, mtimeMs: s.mtimeMs, isDirectory: false } : undefined;
  },
};

const rssBeforeKiB = process.resourceUsage().maxRSS;
const started = process.hrtime.bigint();
const result = await createBackup(host, {
  destination,
  toolVersion: 'bench',
  items: [{ component: 'Agent', kind: 'DataFolder', sourcePath: WINDOWS_PATH, relativePath: 'Data\\big.bin' }],
});
const ms = Number(process.hrtime.bigint() - started) / 1e6;
await fs.rm(result.Path, { recursive: true, force: true });
process.stdout.write(JSON.stringify({ ms, bytes: result.TotalBytes, rssBeforeKiB, maxRssKiB: process.resourceUsage().maxRSS }) + '\n');
