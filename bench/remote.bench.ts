// Remote commands against PowerShell remoting itself (issue 29): a private loopback sshd (test/helpers/sshd.ts, as the
// remote tests start it; 127.0.0.1-4 stand for four servers), a lab on "each server" (one far lab folder), and per
// round a fresh pwsh (bench/remote.ps1) that times a bare remoting round, the first module command and the next one.
// Run:  node --import tsx bench/remote.bench.ts [rounds]      (Linux, root or an sshd that may run as this user)
// TypeScript, not .mjs like the other benchmarks: the test helpers it shares find the repository by __dirname, which
// they only get when loaded as CommonJS.
// Prints medians and their ratios for 1 and 4 servers. The module is copied to the far side by a warm-up round first
// (a one-time cost per build, not per command).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LoopbackSshd, sshdMissingReason } from '../test/helpers/sshd';
import { pwshExecutable, repoRoot } from '../test/helpers/pwsh';

const ROUNDS = Number(process.argv[2] ?? 5);
const root = repoRoot;
const modulePath = path.join(root, 'ps-module', 'MfaServerUpgrade');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

interface Round {
  bareMs: number;
  firstMs: number;
  nextMs: number;
}

async function main(): Promise<void> {
  const missing = sshdMissingReason();
  if (missing) {
    console.log(`remote benchmark skipped: ${missing}`);
    return;
  }
  const sshd = await LoopbackSshd.start();
  const work = mkdtempSync(path.join(os.tmpdir(), 'mfa-remote-bench-'));
  const env = { ...process.env, ...sshd.clientEnv };
  delete env.NODE_EXTRA_CA_CERTS;
  const pwsh = (args: string[]) => execFileSync(pwshExecutable(), ['-NoProfile', '-NonInteractive', ...args], { cwd: work, env, encoding: 'utf8' });
  try {
    for (const address of ['127.0.0.2', '127.0.0.3', '127.0.0.4']) await sshd.listenAlsoOn(address);
    const lab = path.join(work, 'far-lab');
    pwsh(['-Command', `Import-Module '${modulePath}'; New-MfaLab -Path '${lab}' -Scenario SingleServer | Out-Null`]);
    for (const servers of [['127.0.0.1'], ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4']]) {
      const round = (bareFirst: boolean): Round => {
        const args = ['-File', path.join(root, 'bench', 'remote.ps1'), '-ModulePath', modulePath, '-LabPath', lab, '-Servers', servers.join(',')];
        const out = pwsh(bareFirst ? [...args, '-BareFirst'] : args);
        return JSON.parse(out.trim().split(/\r?\n/).pop()!) as Round;
      };
      round(true); // warm-up: the module is copied to the far side once
      const rows = Array.from({ length: ROUNDS }, (_, i) => round(i % 2 === 0));
      const bare = median(rows.map((r) => r.bareMs));
      const first = median(rows.map((r) => r.firstMs));
      const next = median(rows.map((r) => r.nextMs));
      console.log(
        `remote, ${servers.length} server(s), ${ROUNDS} rounds in fresh pwsh: bare New-PSSession + Invoke-Command + Remove-PSSession ${bare.toFixed(0)} ms; ` +
          `first Get-PhoneFactorComponent ${first.toFixed(0)} ms = ${(first / bare).toFixed(2)}x (goal <= 1.2x); ` +
          `next command ${next.toFixed(0)} ms = ${(next / bare).toFixed(2)}x (goal <= 0.3x)`,
      );
    }
  } finally {
    await sshd.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
