/**
 * The real WindowsHost of a Wine machine, reached from the Linux test process: `mfa-core --serve-host` runs under
 * node.exe in the prefix (through the bridge, so its stdin is a pipe as in production) and answers host-call batches,
 * one NDJSON line each. The Host the tests get is the product's RemoteHost on top of that channel: the same wire
 * encoding (bytes with SHA-256) the remote adapter uses; only the channel differs (a pipe instead of a PowerShell session).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as readline from 'node:readline';
import type { HostCall, HostCallOutcome, FarIdentity } from '../../../core/host/remote/host-rpc';
import { RemoteHost } from '../../../core/host/remote/remote-host';
import type { RemoteConnection } from '../../../core/host/remote/remote-connection';
import { CoreError, type ErrorCode } from '../../../core/util/errors';
import { CORE, MODULE_DIR, type WineMachine } from './machine';

type Answer = { ok: true; result: HostCallOutcome[] } | { ok: false; error: { code: string; message: string; target?: string } };

export class ServeHostChannel {
  readonly name: string;
  /** Where the module lives in the machine, as RemoteConnection.farRoot says it for a remote server (RemoteHost reads it). */
  readonly farRoot = MODULE_DIR;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly answers: Array<(a: Answer | Error) => void> = [];
  private stderr = '';
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    machine: WineMachine,
    /** Each batch must be answered within this (a registry call under Wine takes about a second, msiexec a few). */
    private readonly callTimeoutMs = 300_000,
  ) {
    this.name = 'wine';
    this.child = spawn(machine.nodeLauncher, [machine.linuxPath(CORE), '--serve-host'], { env: machine.env, stdio: 'pipe' });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString('utf8')).slice(-4000)));
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      const take = this.answers.shift();
      try {
        take?.(JSON.parse(line) as Answer);
      } catch {
        take?.(new Error(`serve-host answered a line that is not JSON: ${line.slice(0, 200)}`));
      }
    });
    this.child.on('exit', (code) => {
      for (const take of this.answers.splice(0)) take(new Error(`serve-host under Wine ended (exit ${code}): ${this.stderr}`));
    });
  }

  /** One batch, answered in order; batches never overlap. */
  batch(calls: HostCall[]): Promise<HostCallOutcome[]> {
    const run = this.queue.then(
      () =>
        new Promise<HostCallOutcome[]>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`serve-host under Wine did not answer within ${this.callTimeoutMs / 1000} s: ${calls.map((c) => c.method).join(', ')}`)), this.callTimeoutMs);
          this.answers.push((a) => {
            clearTimeout(timer);
            if (a instanceof Error) return reject(a);
            if (!a.ok) return reject(new CoreError(a.error.code as ErrorCode, a.error.message, a.error.target));
            resolve(a.result);
          });
          this.child.stdin.write(JSON.stringify(calls) + '\n');
        }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** What RemoteHost asks of its connection: one call, its value or its error. */
  async call(call: HostCall): Promise<unknown> {
    const [outcome] = await this.batch([call]);
    if (outcome.Ok) return outcome.Value;
    throw new CoreError(outcome.Error.code as ErrorCode, outcome.Error.message, outcome.Error.target, outcome.Error.details);
  }

  async fetchFile(): Promise<Buffer> {
    throw new Error('files over 4 MiB are not staged through the Wine channel');
  }

  async sendFile(): Promise<void> {
    throw new Error('files over 4 MiB are not staged through the Wine channel');
  }

  /** The Host of the Wine machine itself (its WindowsHost), as the product's RemoteHost sees a far machine. */
  async host(): Promise<RemoteHost> {
    const [identity] = (await this.call({ target: {}, method: 'describe', args: [] })) as FarIdentity[];
    return new RemoteHost(this as unknown as RemoteConnection, {}, identity);
  }

  /** Ends the core by ending its input, as its caller going away does. */
  close(timeoutMs = 60_000): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      const timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        resolve();
      }, timeoutMs);
      this.child.on('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.child.stdin.end();
    });
  }
}
