/**
 * `mfa-core --serve`: the warm core. The module's transport starts one per PowerShell runspace on first use and sends
 * every call of an operation that allows it (contract `process: 'warm'`, the default) as one line on stdin; the core
 * answers on stdout with NDJSON lines: first `{"ready":…}` once, then per call its events and one final line:
 *
 *   in:  {"id":7,"operation":"merge-webconfig","request":{"items":[…],"dryRun":false}}
 *   out: {"id":7,"event":"log","level":"verbose","message":"…"}        (0..n, in order)
 *        {"id":7,"exitCode":0,"envelope":{"ok":true,"result":[…]}}
 *
 * Why one stream: events and the envelope of a call must arrive in order and belong to that call; stderr is kept for
 * what node itself prints when something breaks (the transport shows it if the core dies).
 *
 * Remote servers (-ComputerName, -Session, -Credential): the sessions live in the caller's PowerShell, which runs the
 * remoting scripts for the core (host/remote/brokered-powershell.ts). An ask is one more line of the call,
 *   out: {"id":7,"event":"ps-run","ask":{"event":"ps-run","id":3,"channel":1,"computerName":"…","command":"…"}}
 * and its answer comes back on stdin between the calls' lines: {"id":3,"output":"…"} or {"id":3,"error":"…"} (no
 * "operation": that is how it is told from a call).
 *
 * Calls run one at a time, in the order received (a runspace makes one call at a time anyway). Process-wide state is
 * reset between calls: remote connections are closed (the caller's PowerShell keeps the sessions it opened for the
 * next command, their far cores having forgotten the call's secrets: remote-scripts.ts CLOSE_SESSION) and known secret
 * values forgotten, so a call never sees another's.
 * The caller's MFA_* environment variables travel with each call (`"env":{…}`) and replace the core's: an admin who
 * sets one between two calls gets what a core started for that call would have seen.
 *
 * Life: the core exits 0 after `idleSeconds` without a call (the transport starts a new one on the next call), and
 * when stdin ends: between calls that is the module removed or PowerShell gone; during a call it is Ctrl+C, a
 * time-out or a killed PowerShell, and the core stops as an attached core does (runtime/attached-caller.ts: the run's
 * last words are written, exit 1).
 */
import * as readline from 'node:readline';
import { findOperation, operations } from '../cmdlets/index';
import validators from '../generated/validators';
import { execute, failure, parseRequest, type Outcome } from './execute';
import { badRequest, BadRequestError, EXIT_BAD_REQUEST, EXIT_FAILED } from '../util/envelope';
import { redactEvent, type CoreEvent } from './events';
import { writeLastWords } from '../util/core-stop';
import { CoreError } from '../util/errors';
import { redactor } from '../util/secrets';
import { closeRemoteConnections } from '../host/remote/open-remote';
import { Broker, useBroker } from '../host/remote/brokered-powershell';
import type { StandaloneValidator } from './validate';

export interface ServeOptions {
  idleSeconds: number;
  buildId: string;
  toolVersion: string;
  input?: NodeJS.ReadableStream;
  write?: (line: string) => void;
  exit?: (code: number) => void;
}

interface CallLine {
  id: number;
  operation: string;
  request: unknown;
  env?: Record<string, string>;
}

/** The caller's MFA_* variables replace this process's (names compared without case, as Windows does). */
export function syncCallerEnvironment(target: NodeJS.ProcessEnv, given: Record<string, string> = {}): void {
  const ours = (name: string) => name.toUpperCase().startsWith('MFA_');
  for (const name of Object.keys(target)) if (ours(name)) delete target[name];
  for (const [name, value] of Object.entries(given)) if (ours(name) && typeof value === 'string') target[name] = value;
}

/** The default time a warm core waits for its next call before it exits (documented in the README). */
export const DEFAULT_IDLE_SECONDS = 600;

export function serve(options: ServeOptions): void {
  const write = options.write ?? ((line: string) => void process.stdout.write(line + '\n'));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const queue: string[] = [];
  let busy = false;
  let ended = false;
  let idleTimer: NodeJS.Timeout | undefined;

  const armIdle = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => exit(0), options.idleSeconds * 1000);
  };

  // The id of the call under way: asks for remoting scripts go out as lines of that call.
  let current: number | null = null;
  const broker = new Broker((ask) =>
    write(JSON.stringify(ask.event === 'ps-run' ? { id: current, event: 'ps-run', ask } : { id: current, ...redactEvent(ask) })),
  );
  useBroker(broker);

  const next = async (): Promise<void> => {
    if (busy) return;
    const line = queue.shift();
    if (line === undefined) {
      if (ended) exit(0);
      else armIdle();
      return;
    }
    busy = true;
    clearTimeout(idleTimer);
    const id = callId(line);
    current = id;
    const emit = (e: CoreEvent) => write(JSON.stringify({ id, ...redactEvent(e) }));
    const outcome = await runCall(line, emit, options.toolVersion);
    await closeRemoteConnections(undefined, (message) => emit({ event: 'log', level: 'verbose', message }));
    redactor.forget();
    write(JSON.stringify({ id, exitCode: outcome.exitCode, envelope: outcome.envelope }));
    busy = false;
    void next();
  };

  const lines = readline.createInterface({ input: options.input ?? process.stdin, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (line.trim() === '') return;
    if (isBrokerAnswer(line)) return broker.deliver(line);
    queue.push(line);
    void next();
  });
  lines.on('close', () => {
    ended = true;
    broker.end('the PowerShell that holds the remoting sessions stopped answering the core');
    if (!busy) return exit(0);
    // The caller stopped this call (Ctrl+C, time-out) or is gone: stop as an attached core does.
    writeLastWords({ cause: 'CallerGone', detail: 'The PowerShell session of the warm core stopped the call (Ctrl+C, a time-out) or ended.', at: new Date() });
    void closeRemoteConnections().finally(() => exit(EXIT_FAILED));
  });

  write(JSON.stringify({ ready: true, buildId: options.buildId, version: options.toolVersion, pid: process.pid }));
  armIdle();
}

/** An answer of the caller's PowerShell to an ask of the broker: {id, output} or {id, error}, never an operation. */
function isBrokerAnswer(line: string): boolean {
  if (!line.includes('"output"') && !line.includes('"error"')) return false;
  try {
    const value = JSON.parse(line.replace(/^\uFEFF/, '')) as Record<string, unknown> | null;
    return typeof value === 'object' && value !== null && !('operation' in value) && typeof value.id === 'number' && ('output' in value || 'error' in value);
  } catch {
    return false;
  }
}

function callId(line: string): number | null {
  const match = /"id"\s*:\s*(\d+)/.exec(line);
  return match ? Number(match[1]) : null;
}

async function runCall(line: string, sink: (e: CoreEvent) => void, toolVersion: string): Promise<Outcome> {
  try {
    const call = parseCall(line);
    const contract = findOperation(call.operation);
    if (!contract) {
      const known = operations.map((o) => o.name).join(', ');
      return failure(badRequest('UnknownOperation', `Unknown operation '${call.operation}'. Known operations: ${known}.`, 'operation'), EXIT_BAD_REQUEST);
    }
    syncCallerEnvironment(process.env, call.env);
    const request = parseRequest(JSON.stringify(call.request));
    const validate: StandaloneValidator = validators[contract.name];
    return await execute(contract, validate, request, sink, toolVersion);
  } catch (e) {
    const err = e instanceof CoreError ? e : new CoreError('InternalError', String((e as Error)?.message ?? e));
    return failure(err, err instanceof BadRequestError ? EXIT_BAD_REQUEST : EXIT_FAILED);
  }
}

function parseCall(line: string): CallLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch (e) {
    throw badRequest('MalformedRequest', `A call line on stdin is not valid JSON: ${(e as Error).message}`, 'stdin');
  }
  const call = raw as Partial<CallLine> | null;
  const envOk = call?.env === undefined || (typeof call.env === 'object' && call.env !== null && Object.values(call.env).every((v) => typeof v === 'string'));
  if (!call || typeof call !== 'object' || typeof call.operation !== 'string' || typeof call.request !== 'object' || call.request === null || !envOk) {
    throw badRequest('MalformedRequest', 'A call line must be {"id":n,"operation":"…","env":{"MFA_…":"…"},"request":{…}}.', 'stdin');
  }
  return call as CallLine;
}
