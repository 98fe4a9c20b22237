/**
 * .NET as the judge of merged web.configs: builds test/dotnet-config-judge with the installed SDK (at most once per
 * test run — the build output is cached under the temp folder, keyed by a hash of the judge's sources, and a lock
 * folder keeps two test files from building it at the same time) and runs it on a batch of files.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './pwsh';

const SOURCE_DIR = path.join(repoRoot, 'test', 'dotnet-config-judge');
const SOURCES = ['ConfigJudge.csproj', 'Program.cs'];

export interface JudgeVerdict {
  path: string;
  ok: boolean;
  error?: string;
  appSettings?: Record<string, string>;
  settings?: Record<string, string>;
}

let cachedDll: string | undefined;

/** The built judge, building it if no test file of this run (or an earlier run of the same sources) has. */
export function judgeDll(): string {
  if (cachedDll) return cachedDll;
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(f).update(readFileSync(path.join(SOURCE_DIR, f)));
  const cache = path.join(os.tmpdir(), `mfa-config-judge-${hash.digest('hex').slice(0, 16)}`);
  const dll = path.join(cache, 'out', 'ConfigJudge.dll');
  if (!existsSync(dll)) withLock(`${cache}.lock`, () => existsSync(dll) || build(cache));
  cachedDll = dll;
  return dll;
}

function build(cache: string): void {
  const src = path.join(cache, 'src');
  rmSync(cache, { recursive: true, force: true });
  mkdirSync(src, { recursive: true });
  for (const f of SOURCES) cpSync(path.join(SOURCE_DIR, f), path.join(src, f));
  const started = Date.now();
  execFileSync('dotnet', ['build', path.join(src, 'ConfigJudge.csproj'), '-c', 'Release', '-o', path.join(cache, 'out.tmp'), '-nologo', '-v', 'q'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1' },
  });
  renameSync(path.join(cache, 'out.tmp'), path.join(cache, 'out'));
  // Kept for the report of how long the judge takes to build (not asserted).
  writeFileSync(path.join(cache, 'build-ms.txt'), String(Date.now() - started));
}

function withLock(lock: string, fn: () => unknown): void {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // Another test file is building; a lock older than 10 minutes was left by a killed run.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${lock}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** What .NET reads from each file (external files are found beside each, as .NET finds them). */
export function judge(files: string[]): JudgeVerdict[] {
  if (files.length === 0) return [];
  const out = execFileSync('dotnet', [judgeDll(), ...files], { encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
  return out.trim().split('\n').map((line) => JSON.parse(line) as JudgeVerdict);
}

/** Case-insensitive lookup, as .NET looks appSettings keys up. */
export function valueOf(map: Record<string, string> | undefined, key: string): string | undefined {
  if (!map) return undefined;
  const k = Object.keys(map).find((x) => x.toLowerCase() === key.toLowerCase());
  return k === undefined ? undefined : map[k];
}
