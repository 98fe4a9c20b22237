/**
 * A private OpenSSH server on the loopback address with a `powershell` subsystem running the pinned pwsh, so the
 * remote tests go through a real PowerShell remoting session (SSH transport). Everything lives in a temp folder:
 * host key, client key, authorized_keys, known_hosts, sshd_config, pid file. The system sshd is never touched.
 * When /usr/sbin/sshd is missing the remote tests skip locally and FAIL in CI (CI=true): CI must install openssh-server.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, openSync } from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { pwshExecutable } from './pwsh';

export const SSHD = '/usr/sbin/sshd';

/** Why the remote tests cannot run here, or undefined when they can. */
export function sshdMissingReason(): string | undefined {
  if (process.platform === 'win32') return 'the loopback SSH tests run on Linux only';
  if (!existsSync(SSHD)) return `${SSHD} is missing: install openssh-server (apt-get install -y openssh-server) to run the PowerShell remoting tests`;
  if (!existsSync('/usr/bin/ssh-keygen')) return 'ssh-keygen is missing: install openssh-client';
  return undefined;
}

/** node:test `skip` option: skip locally when sshd is missing; in CI never skip (the test then fails with the reason). */
export function remoteTestsSkip(): string | false {
  const why = sshdMissingReason();
  return why && process.env.CI !== 'true' ? why : false;
}

export function assertSshdAvailable(): void {
  const why = sshdMissingReason();
  if (why) throw new Error(`PowerShell remoting tests cannot run: ${why}.`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Every live descendant of a process (by /proc parent links; ended ones awaiting their parent left out), deepest first. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  const zombies = new Set<number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields 3 (state) and 4 (ppid) follow the parenthesised command name, which may contain spaces.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(ppid));
      if (state === 'Z') zombies.add(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        walk(child);
        if (!zombies.has(child)) out.push(child);
      }
    }
  };
  walk(pid);
  return out;
}

export class LoopbackSshd {
  readonly user = os.userInfo().username;
  private child: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  get keyFile(): string {
    return path.join(this.dir, 'client_key');
  }

  get knownHostsFile(): string {
    return path.join(this.dir, 'known_hosts');
  }

  /** The far side keeps its copy of the module here (not in the user's home). */
  get farModuleFolder(): string {
    return path.join(this.dir, 'far-modules');
  }

  /** Environment that points the module's remote adapter at this server. */
  get clientEnv(): Record<string, string> {
    return {
      MFA_REMOTE_TRANSPORT: 'ssh',
      MFA_REMOTE_SSH_PORT: String(this.port),
      MFA_REMOTE_USER: this.user,
      MFA_REMOTE_KEYFILE: this.keyFile,
      MFA_REMOTE_KNOWN_HOSTS: this.knownHostsFile,
    };
  }

  static async start(): Promise<LoopbackSshd> {
    assertSshdAvailable();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-sshd-'));
    const server = new LoopbackSshd(dir, await freePort());
    const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, file)]);
    keygen('host_key');
    keygen('client_key');
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_key.pub')));
    writeFileSync(server.knownHostsFile, `[127.0.0.1]:${server.port} ${readFileSync(path.join(dir, 'host_key.pub'), 'utf8')}`);
    mkdirSync(server.farModuleFolder);
    writeFileSync(
      path.join(dir, 'sshd_config'),
      [
        'ListenAddress 127.0.0.1',
        `Port ${server.port}`,
        `HostKey ${path.join(dir, 'host_key')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        'StrictModes no',
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `SetEnv MFA_MODULE_CACHE=${server.farModuleFolder}`,
        `Subsystem powershell ${pwshExecutable()} -sshs -NoLogo -NoProfile`,
        '',
      ].join('\n'),
    );
    await server.resume();
    return server;
  }

  /** A second loopback address (a second "server") on the same port, vouched for by the same host key; restarts sshd. */
  async listenAlsoOn(address: string): Promise<void> {
    appendFileSync(path.join(this.dir, 'sshd_config'), `ListenAddress ${address}\n`);
    appendFileSync(this.knownHostsFile, `[${address}]:${this.port} ${readFileSync(path.join(this.dir, 'host_key.pub'), 'utf8')}`);
    this.kill();
    await this.resume();
  }

  /** A second port on 127.0.0.1 (another way to reach the same "server"), vouched for by the same host key; restarts sshd. */
  async listenAlsoOnPort(): Promise<number> {
    const port = await freePort();
    appendFileSync(path.join(this.dir, 'sshd_config'), `Port ${port}\n`);
    appendFileSync(this.knownHostsFile, `[127.0.0.1]:${port} ${readFileSync(path.join(this.dir, 'host_key.pub'), 'utf8')}`);
    this.kill();
    await this.resume();
    return port;
  }

  /** Starts sshd (again, after kill()) on the same port with the same keys. */
  async resume(): Promise<void> {
    // sshd refuses to start without its privilege separation folder (normally made by the system service).
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
    const log = openSync(path.join(this.dir, 'sshd.log'), 'a');
    this.child = spawn(SSHD, ['-D', '-e', '-f', path.join(this.dir, 'sshd_config')], { stdio: ['ignore', 'ignore', log] });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) break;
      if (await portOpen(this.port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sshd did not start on 127.0.0.1:${this.port}: ${readFileSync(path.join(this.dir, 'sshd.log'), 'utf8').slice(-2000)}`);
  }

  /** The processes of every session sshd forked (ssh's own, the pwsh subsystems and what they run). */
  sessionProcesses(): number[] {
    const pid = this.child?.pid;
    return pid === undefined ? [] : descendants(pid);
  }

  /** Kills sshd and every session it forked (pwsh subsystems and what they run): connections drop at once. */
  kill(): void {
    const pid = this.child?.pid;
    if (pid === undefined || this.child?.exitCode !== null) return;
    // Until none is left: a session may be starting a process (the far core) while the first sweep runs, and a
    // survivor would finish its work after the "cut" and race the resumed run.
    for (let sweep = 0; sweep < 20; sweep++) {
      const alive = descendants(pid);
      if (alive.length === 0) break;
      for (const d of alive) {
        try {
          process.kill(d, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
    }
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
    this.child = undefined;
  }

  async stop(): Promise<void> {
    this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
