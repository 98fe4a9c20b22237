/**
 * One PowerShell remoting session to one server, driven through a PowerShell channel: our PowerShellSession adapter (a
 * pwsh of our own), or the admin's own PowerShell when the command was given -Session or -Credential
 * (brokered-powershell.ts). It makes
 * sure the module is on the target, then sends host calls to the core there: a core kept running on the target for the
 * life of the session (mfa-core --serve-host), or, when that cannot start, a core started for each batch. Calls made
 * while a batch is in flight are sent together in the next batch (one round trip). Every error names the server;
 * a dead link turns every later call into RemoteConnectionLost at once, and never touches other servers' sessions.
 */
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CoreError } from '../../util/errors';
import { findEnvelope } from '../../util/envelope';
import { remoteErrorCode } from '../../util/error-catalog';
import { PowerShellSession, type PowerShellChannel, type ScriptOutcome } from './powershell-session';
import { findPowerShell } from './find-pwsh';
import { localModuleBuild, type ModuleBuild } from './module-deploy';
import { describeEndpoint, type RemoteOptions } from './remote-options';
import {
  CLOSE_SESSION,
  COPY_FROM_FAR,
  COPY_MODULE,
  COPY_TO_FAR,
  FIND_FAR_MODULE,
  OPEN_SESSION,
  PROBE_SESSION,
  RUN_FAR_CORE,
  RUN_FAR_SERVE,
} from './remote-scripts';
import { sha256, type HostCall, type HostCallOutcome } from './host-rpc';
import { classifyFarFailure, type FarFailure } from './link-loss';

/** Longest one round trip may take: installers run inside a host call. Dead links are caught sooner by keepalives. */
const CALL_TIMEOUT_MS = 3 * 60 * 60 * 1000;

interface Pending {
  call: HostCall;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export interface ConnectionStats {
  /** Batches of host calls sent to the target (each one Invoke-Command). */
  roundTrips: number;
  calls: number;
  /** Round trips answered by the core kept running on the target (the rest started a core each). */
  served: number;
  /**
   * Every script the connection ran in its PowerShell, from opening to closing: the host-call batches and the rest
   * (taking or opening the session, the module check, copies, closing). All but the local ask that takes a kept
   * session reach the server.
   */
  scripts: number;
}

/** The channel, with every script it runs counted in `stats.scripts`. */
function counted(channel: PowerShellChannel, stats: ConnectionStats): PowerShellChannel {
  return {
    run: (script, values) => {
      stats.scripts++;
      return channel.run(script, values);
    },
    close: () => channel.close(),
  };
}

export class RemoteConnection {
  private lock: Promise<unknown> = Promise.resolve();
  private pending: Pending[] = [];
  private flushScheduled = false;
  private lostReason: string | undefined;
  /** Set once the persistent far core could not be used: later batches start a core each (the slower, older path). */
  private serveUnavailable: string | undefined;
  private constructor(
    readonly options: RemoteOptions,
    private readonly ps: PowerShellChannel,
    /** The module folder on the target. */
    readonly farRoot: string,
    /** How the session the admin gave (-Session) is named in messages; undefined when we opened the session. */
    private readonly givenSession: string | undefined,
    readonly stats: ConnectionStats,
  ) {}

  get name(): string {
    return this.options.computerName;
  }

  /** Why batches start a core each instead of using the one kept running on the target; undefined when they do not. */
  get perCallReason(): string | undefined {
    return this.serveUnavailable;
  }

  /**
   * Opens the session (or takes the one an earlier command kept: remote-scripts.ts OPEN_SESSION) and puts the module on
   * the target if it is not there yet (or is another build). A kept session that has ended, or does not answer the
   * module check, is replaced by a new one once, with a warning (`warn`); a new one that fails is the usual error.
   */
  static async open(
    options: RemoteOptions,
    build: ModuleBuild = localModuleBuild(),
    openChannel: () => PowerShellChannel = ownPowerShell,
    warn: (message: string) => void = () => undefined,
  ): Promise<RemoteConnection> {
    const stats: ConnectionStats = { roundTrips: 0, calls: 0, served: 0, scripts: 0 };
    const ps = counted(openChannel(), stats);
    try {
      let opened = await openSession(ps, options);
      const replaced = (why: string) =>
        warn(`[${options.computerName}] The remoting session kept open since an earlier command had ended (${why.trim()}); a new one was opened.`);
      if (opened.dead) replaced(opened.dead);
      let found = await ps.run(FIND_FAR_MODULE, { version: build.version });
      if (opened.reused && (!found.ok || !found.output[0])) {
        replaced(found.terminatingError?.message ?? 'it did not answer');
        opened = await openSession(ps, { ...options, fresh: true });
        found = await ps.run(FIND_FAR_MODULE, { version: build.version });
      }
      const given = opened.given;
      const far = found.output[0] as { base: string; root: string; fingerprint: string | null } | undefined;
      if (!found.ok || !far) {
        const why = found.terminatingError?.message ?? 'the server did not answer';
        if (given) throw new CoreError(
          'RemoteUnreachable',
          `[${options.computerName}] ${given} for ${options.computerName} does not answer: ${why.trim()} Open a new session (New-PSSession) and run the ` +
            `command again with it.`,
          options.computerName,
        );
        throw unreachable(options, why);
      }
      if (far.fingerprint !== build.fingerprint) {
        const copied = await ps.run(
          COPY_MODULE,
          { base: far.base, root: far.root, localRoot: build.root, fingerprint: build.fingerprint, libSha256: build.libSha256 },
        );
        if (!copied.ok) {
          throw new CoreError(
            'RemoteModuleCopyFailed',
            `[${options.computerName}] Copying the MfaServerUpgrade module to ${far.root} on ${options.computerName} ` +
              `failed: ${copied.terminatingError?.message}`,
            options.computerName,
          );
        }
      }
      const connection = new RemoteConnection(options, ps, far.root, given, stats);
      if (options.perCallCore) connection.serveUnavailable = 'turned off by MFA_REMOTE_PER_CALL_CORE';
      return connection;
    } catch (e) {
      await ps.close();
      // The PowerShell that opens the session gave up (a time-out on a slow or loaded machine, or it ended): the
      // session could not be opened, which is this server's own RemoteUnreachable, never an unexpected error.
      throw e instanceof CoreError ? e : unreachable(options, (e as Error)?.message ?? String(e));
    }
  }

  /** Runs one Host method on the target; resolves with its (wire-format) value or rejects with a CoreError. */
  call(call: HostCall): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.pending.push({ call, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      void this.exclusive(async () => {
        this.flushScheduled = false;
        const batch = this.pending.splice(0);
        await this.runBatch(batch);
      });
    });
  }

  /** Copies a file of the target to this machine over the session and checks it against the target's SHA-256. */
  async fetchFile(farPath: string, expectedSha256: string, what: string): Promise<Buffer> {
    const local = path.join(os.tmpdir(), `mfa-remote-${randomUUID()}`);
    try {
      await this.exclusive(() => this.runScript(COPY_FROM_FAR, { farPath, localPath: local }, `copying ${what} from the server`));
      const data = await readFile(local);
      if (sha256(data) !== expectedSha256) {
        throw new CoreError(
          'TransferCorrupted',
          `[${this.name}] ${what} copied from ${this.name} does not hash to what the server computed: the transfer was damaged.`,
          what,
        );
      }
      return data;
    } finally {
      await rm(local, { force: true });
    }
  }

  /** Copies bytes to a file of the target over the session (Copy-Item -ToSession). */
  async sendFile(data: Buffer, farPath: string, what: string): Promise<void> {
    const local = path.join(os.tmpdir(), `mfa-remote-${randomUUID()}`);
    try {
      await writeFile(local, data);
      await this.exclusive(() => this.runScript(COPY_TO_FAR, { farPath, localPath: local }, `copying ${what} to the server`));
    } finally {
      await rm(local, { force: true });
    }
  }

  async close(): Promise<void> {
    if (!this.lostReason) await this.exclusive(() => this.ps.run(CLOSE_SESSION).catch(() => undefined));
    this.lostReason ??= 'the session was closed';
    await this.ps.close();
  }

  /** One thing at a time per connection: node-powershell runs one command at a time, and so does a PSSession. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(work, work);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private lost(reason: string): CoreError {
    this.lostReason ??= reason;
    if (this.givenSession) {
      return new CoreError(
        'RemoteConnectionLost',
        `[${this.name}] ${this.givenSession} for ${this.name} was lost: ${this.lostReason}. Nothing more was sent to it; when the server is reachable again, ` +
          `open a new session (New-PSSession) and run the command again with it (an upgrade continues with -Resume).`,
        this.name,
      );
    }
    return new CoreError(
      'RemoteConnectionLost',
      `[${this.name}] The connection to ${describeEndpoint(this.options)} was lost: ${this.lostReason}. Nothing more was sent to it; when it is reachable ` +
        `again, run the command again (an upgrade continues with -Resume).`,
      this.name,
    );
  }

  private async runScript(script: string, values: unknown, doing: string): Promise<ScriptOutcome> {
    if (this.lostReason) throw this.lost(this.lostReason);
    let outcome: ScriptOutcome;
    try {
      outcome = await this.ps.run(script, values);
    } catch (e) {
      throw this.lost((e as Error).message);
    }
    if (!outcome.ok) {
      const message = outcome.terminatingError?.message ?? 'no reason given';
      const failure: FarFailure = { message, state: null, types: outcome.terminatingError ? [outcome.terminatingError.exceptionType] : [] };
      throw await this.judged(failure, new CoreError('RemoteCommandFailed', `[${this.name}] ${doing} failed: ${message}`, this.name));
    }
    return outcome;
  }

  /**
   * A remoting call failed: RemoteConnectionLost when the link is gone (link-loss.ts: whichever way the cut landed),
   * otherwise `otherwise`, the call's own failure over a working link.
   */
  private async judged(failure: FarFailure, otherwise: CoreError): Promise<CoreError> {
    const verdict = await classifyFarFailure(failure, () => this.sessionAnswers());
    return verdict === 'linkLost' ? this.lost(failure.message) : otherwise;
  }

  /** Whether the remoting session still runs a trivial command. */
  private async sessionAnswers(): Promise<boolean> {
    try {
      const probe = await this.ps.run(PROBE_SESSION, {});
      const r = probe.output[0] as { lost?: boolean } | undefined;
      return probe.ok && r?.lost === false;
    } catch {
      return false;
    }
  }

  private async runBatch(batch: Pending[]): Promise<void> {
    try {
      const outcomes = await this.sendBatch(batch.map((p) => p.call));
      for (const [i, p] of batch.entries()) {
        const o = outcomes.find((x) => x.Index === i);
        if (!o) p.reject(new CoreError('RemoteProtocolError', `[${this.name}] The server returned no result for a ${p.call.method} call.`, this.name));
        else if (o.Ok) p.resolve(o.Value);
        else p.reject(new CoreError(
          remoteErrorCode(o.Error.code),
          `[${this.name}] ${o.Error.message}`,
          o.Error.target,
          { ...(o.Error.details ?? {}), computerName: this.name },
        ));
      }
    } catch (e) {
      for (const p of batch) p.reject(e);
    }
  }

  private async sendBatch(calls: HostCall[]): Promise<HostCallOutcome[]> {
    if (this.lostReason) throw this.lost(this.lostReason);
    this.stats.roundTrips++;
    this.stats.calls += calls.length;
    const callsJson = JSON.stringify(calls);
    if (!this.serveUnavailable) {
      const served = await this.sendToServingCore(callsJson);
      if (served) {
        this.stats.served++;
        return served;
      }
    }
    return this.sendToNewCore(callsJson);
  }

  /** The batch through the core kept running on the target; undefined when it never reached it (use a new core). */
  private async sendToServingCore(callsJson: string): Promise<HostCallOutcome[] | undefined> {
    const r = await this.runFar(RUN_FAR_SERVE, { root: this.farRoot, request: callsJson, nodeHint: this.options.farNodeHint ?? '' });
    if (r.notSent) {
      this.serveUnavailable = r.message ?? 'the core could not be started';
      return undefined;
    }
    if (r.died) {
      // A link going down kills the far core first (its session's processes end): say that, not "the core crashed".
      const ended = `the MfaServerUpgrade core on ${this.name} ended (exit code ${r.exitCode ?? 'unknown'}) while it ran a batch of host calls`;
      throw await this.judged(
        { message: ended, state: null, types: [] },
        new CoreError(
          'RemoteCommandFailed',
          `[${this.name}] The ${ended}, so whether they ran is unknown; they were not sent again. ${(r.stderr ?? '').slice(0, 500)}`.trim(),
          this.name,
        ),
      );
    }
    const answer = await this.parseAnswer(r.stdout, r.exitCode, r.stderr);
    if (answer === 'UnknownOperation') {
      // A core without --serve-host answered (and ended) without running anything: safe to use the older path.
      this.serveUnavailable = 'the core on the target has no --serve-host';
      return undefined;
    }
    return answer;
  }

  /** The batch through a core started for it on the target (mfa-core host-call). */
  private async sendToNewCore(callsJson: string): Promise<HostCallOutcome[]> {
    const request = JSON.stringify({ Calls: callsJson });
    const r = await this.runFar(RUN_FAR_CORE, { root: this.farRoot, operation: 'host-call', request, nodeHint: this.options.farNodeHint ?? '' });
    const answer = await this.parseAnswer(r.stdout, r.exitCode, r.stderr);
    if (answer === 'UnknownOperation') throw new CoreError(
      'RemoteProtocolError',
      `[${this.name}] The core on ${this.name} does not know host-call.`,
      this.name,
    );
    return answer;
  }

  /** One far script; a broken session, a failed Invoke-Command and a missing node become the right errors. */
  private async runFar(script: string, values: unknown): Promise<FarRun> {
    let outcome: ScriptOutcome;
    try {
      outcome = await this.ps.run(script, values);
    } catch (e) {
      throw this.lost((e as Error).message);
    }
    const r = outcome.output[0] as FarRun | undefined;
    if (!outcome.ok || !r) throw this.lost(outcome.terminatingError?.message ?? 'the local PowerShell returned nothing');
    if (r.lost) throw this.lost(r.message ?? 'the remoting session broke');
    if (r.nodeMissing) {
      throw new CoreError(
        'RemoteNodeNotFound',
        `[${this.name}] Node.js was not found on ${this.name}: the module there has no bin\\node.exe, MFA_NODE is not set and node is not on PATH.`,
        this.name,
      );
    }
    if (r.failed) {
      // As PowerShell's JSON gives it: a list of one may arrive as its one item.
      const failure: FarFailure = { message: String(r.failed.message ?? ''), state: r.failed.state ?? null, types: [r.failed.types ?? []].flat() };
      const doing = `Running the MfaServerUpgrade core on ${this.name}`;
      throw await this.judged(failure, new CoreError('RemoteCommandFailed', `[${this.name}] ${doing} failed: ${failure.message}`, this.name));
    }
    return r;
  }

  /**
   * The core's answer: the outcomes, or 'UnknownOperation' when the core did not know what it was asked. A core that
   * ended without one may have gone with the link (its session's processes end first): judged like any failure.
   */
  private async parseAnswer(
    stdout: string | undefined | null,
    exitCode: number | undefined | null,
    stderr: string | undefined | null,
  ): Promise<HostCallOutcome[] | 'UnknownOperation'> {
    const envelope = findEnvelope(stdout);
    if (!envelope) {
      const ended = `the core on ${this.name} ended with exit code ${exitCode} without a result`;
      throw await this.judged(
        { message: ended, state: null, types: [] },
        new CoreError('RemoteProtocolError', `[${this.name}] The ${ended}: ${(stderr ?? '').slice(0, 500)}`, this.name),
      );
    }
    if (!envelope.ok) {
      const err = envelope.error;
      if (err.code === 'UnknownOperation') return 'UnknownOperation';
      throw new CoreError(remoteErrorCode(err.code), `[${this.name}] ${err.message}`, err.target, { computerName: this.name });
    }
    return envelope.result as HostCallOutcome[];
  }
}

/** What OPEN_SESSION says about the session it left in the channel's state. */
interface OpenedSession {
  /** How the session the admin gave (-Session) is named in messages. */
  given?: string;
  /** A session an earlier command kept (not yet known to answer). */
  reused?: boolean;
  /** Why the session an earlier command kept could not be used (a new one was opened instead). */
  dead?: string;
}

/** OPEN_SESSION: a failure becomes this server's error (a known cause by its code, else RemoteUnreachable). */
async function openSession(ps: PowerShellChannel, options: RemoteOptions & { fresh?: boolean }): Promise<OpenedSession> {
  const opened = await ps.run(OPEN_SESSION, options);
  if (!opened.ok) {
    const known = /^Mfa:(\w+)/.exec(opened.terminatingError?.fullyQualifiedErrorId ?? '');
    if (known) throw new CoreError(
      remoteErrorCode(known[1]),
      `[${options.computerName}] ${opened.terminatingError!.message}`,
      known[1] === 'CredentialNotSupported' ? 'Credential' : 'Session',
    );
    // Any other failure: the server could not be reached, in OPEN_SESSION's words (its port probe says why).
    throw unreachable(options, opened.terminatingError?.message ?? 'no reason given');
  }
  return (opened.output[0] as OpenedSession | undefined) ?? {};
}

/** A pwsh of our own for one connection (one command at a time, so one per server). */
export const ownPowerShell = (): PowerShellChannel => PowerShellSession.open({ executable: findPowerShell(), timeoutMs: CALL_TIMEOUT_MS });

/** What the far scripts (RUN_FAR_CORE, RUN_FAR_SERVE) report. */
interface FarRun {
  lost?: boolean;
  message?: string | null;
  exitCode?: number | null;
  stdout?: string | null;
  stderr?: string | null;
  nodeMissing?: boolean;
  notSent?: boolean;
  died?: boolean;
  /** Invoke-Command failed: what the far script's catch saw (judged by link-loss.ts). */
  failed?: FarFailure;
}

function unreachable(options: RemoteOptions, reason: string): CoreError {
  return new CoreError(
    'RemoteUnreachable',
    `[${options.computerName}] Cannot open a PowerShell remoting session to ${describeEndpoint(options)}: ${reason.trim()}`,
    options.computerName,
  );
}

