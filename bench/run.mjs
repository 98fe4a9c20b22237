// npm run bench: every benchmark prints its figures as a ratio against a baseline measured in the same run.
// NODE_EXTRA_CA_CERTS is unset: on these machines it adds ~65 ms to every Node start and would blur the ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = { ...process.env };
delete env.NODE_EXTRA_CA_CERTS;

function cmdletOverhead() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-bench-'));
  const webConfig = path.join(dir, 'web.config');
  writeFileSync(
    webConfig,
    '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n  <appSettings>\r\n' +
      '    <add key="USE_WEB_SERVICE_SDK" value="true" />\r\n  </appSettings>\r\n</configuration>\r\n',
  );
  try {
    const script = path.join(root, 'bench', 'cmdlet-overhead.ps1');
    const modulePath = path.join(root, 'ps-module', 'MfaServerUpgrade');
    const args = ['pwsh', '-NoProfile', '-NonInteractive', '-File', script, '-ModulePath', modulePath, '-WebConfig', webConfig];
    const out = execFileSync('dotnet', args, { cwd: root, env, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split(/\r?\n/).pop());
    const warm = r.warmMs / r.bareNodeMs;
    const cold = r.coldMs / r.coldBareNodeMs;
    console.log(
      `cmdlet call, warm core: Merge-MfaWebConfig median ${r.warmMs.toFixed(1)} ms vs '& node -e 0' median ${r.bareNodeMs.toFixed(1)} ms ` +
        `over ${r.runs} interleaved runs -> ratio ${warm.toFixed(2)}x (bar <= 1.2x, goal < 1.0x) ${warm <= 1.2 ? 'OK' : 'ABOVE BAR'}`,
    );
    console.log(
      `cmdlet call, cold (first call after Import-Module -Force, starts the core): median ${r.coldMs.toFixed(1)} ms ` +
        `vs '& node -e 0' ${r.coldBareNodeMs.toFixed(1)} ms over ${r.coldRuns} runs -> ${cold.toFixed(2)}x`,
    );
    console.log(`warm core idle memory (working set after the runs): ${r.idleMiB} MiB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function warmCall() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-bench-'));
  const fixtures = path.join(root, 'test', 'fixtures', 'webconfig', 'userportal');
  const webConfig = path.join(dir, 'new.web.config');
  const reference = path.join(dir, 'old.web.config');
  copyFileSync(path.join(fixtures, 'multifactorauth-default.web.config'), webConfig);
  copyFileSync(path.join(fixtures, 'phonefactor-backup.web.config'), reference);
  try {
    const script = path.join(root, 'bench', 'warm-call.ps1');
    const modulePath = path.join(root, 'ps-module', 'MfaServerUpgrade');
    const args = ['pwsh', '-NoProfile', '-NonInteractive', '-File', script, '-ModulePath', modulePath, '-Path', webConfig, '-ReferencePath', reference];
    const out = execFileSync('dotnet', args, { cwd: root, env, encoding: 'utf8' });
    const r = JSON.parse(out.trim().split(/\r?\n/).pop());
    const ratio = r.callMs / r.powershellMs;
    console.log(
      `warm local call: Merge-MfaWebConfig -WhatIf median ${r.callMs.toFixed(1)} ms vs PowerShell reading and comparing the same two files as XML ` +
        `${r.powershellMs.toFixed(1)} ms (${r.psDifferences} differences) over ${r.runs} interleaved runs -> ${ratio.toFixed(1)}x (goal <= 5x) ` +
        `${ratio <= 5 ? 'OK' : 'ABOVE GOAL'}`,
    );
    const rest = r.callMs - r.requestMs - r.roundTripMs;
    console.log(
      `  where it goes (medians of the parts, each measured on its own): request (caller facts, JSON) ${r.requestMs.toFixed(1)} ms; ` +
        `the core (its merge and the pipe both ways) ${r.coreMs.toFixed(1)} ms; the call line built and the answer read as objects ` +
        `${(r.roundTripMs - r.coreMs).toFixed(1)} ms; binding, items, ShouldProcess and output ${rest.toFixed(1)} ms (the difference)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const only = process.argv[2];
if (!only || only === 'cmdlet') cmdletOverhead();
if (!only || only === 'warm') warmCall();
for (const name of ['webconfig-long-value', 'backup', 'usage', 'remote']) {
  if (only && !name.startsWith(only)) continue;
  const file = name === 'remote' ? 'remote.bench.ts' : `${name}.bench.mjs`;
  // The verified backup twice where memory-backed storage exists: on the disk (the disk's figure) and in /dev/shm (the
  // processors' figure, which is what the code decides; a VM's shared disk swings from run to run: bench/README.md).
  const places = name === 'backup' && !env.BENCH_BACKUP_DIR && existsSync('/dev/shm') ? [undefined, '/dev/shm'] : [undefined];
  for (const place of places) {
    const runEnv = place ? { ...env, BENCH_BACKUP_DIR: place } : env;
    const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', file)], { cwd: root, env: runEnv, stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}
