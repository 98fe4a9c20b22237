/**
 * mfa-core: the only entry. `mfa-core <operation>` reads one JSON request on stdin and writes one envelope to stdout.
 * `mfa-core --list` prints every operation contract; `mfa-core --version` the tool's version.
 * `mfa-core --serve-host` is the far end of a remote connection: host-call batches as NDJSON until stdin ends.
 * `mfa-core <operation> --attached`: the request is the first stdin line and stdin stays open while the caller lives;
 * its end stops the core (runtime/attached-caller.ts). The module's transport starts the core this way.
 * `mfa-core <operation> --broker`: attached, and the transport runs remoting scripts for the core (-Session,
 * -Credential): asks go out as events, answers come back on later stdin lines (brokered-powershell.ts). Any attached
 * core may also ask its PowerShell to read Microsoft Graph the same way (tenant/graph-broker.ts).
 * `mfa-core --serve [--idle-seconds N]`: the warm core, one per PowerShell runspace, many calls (runtime/serve.ts).
 * `mfa-core --record-stop`: the transport records in a run's journal and log that its core was killed
 * (runtime/record-stop.ts).
 */
import { operations, findOperation } from './cmdlets/index';
import validators from './generated/validators';
import { describeContracts } from './cmdlets/contract/describe';
import { execute, failure, parseRequest } from './runtime/execute';
import { badRequest, BadRequestError, EXIT_BAD_REQUEST, EXIT_FAILED } from './util/envelope';
import { stderrSink } from './runtime/events';
import { BUILD_ID, TOOL_VERSION } from './version';
import { CoreError } from './util/errors';
import type { StandaloneValidator } from './runtime/validate';
import { serveHostCalls } from './host/remote/serve-host';
import { startBrokerOnStderr } from './host/remote/brokered-powershell';
import { startGraphBrokerOnStderr } from './tenant/index';
import { attachToCaller, parseStopWord } from './runtime/attached-caller';
import { writeLastWords, type CoreStopCause } from './util/core-stop';
import { recordStopFromTransport } from './runtime/record-stop';
import { closeRemoteConnections } from './host/remote/open-remote';
import { DEFAULT_IDLE_SECONDS, serve } from './runtime/serve';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let finishing = false;

function finish(envelope: unknown, exitCode: number): void {
  finishing = true;
  process.stdout.write(JSON.stringify(envelope) + '\n', () => process.exit(exitCode));
}

/** How long a core that is stopping gives its remote connections to close before it ends anyway. */
const CLOSE_GRACE_MS = 2_000;

/**
 * The core stops before its work is done (the caller is gone, said stop, stopped reading, or an error escaped): the
 * cause is written down first (journal and log of a running upgrade: core/util/core-stop.ts), then remote sessions
 * get a moment to close. Nobody may read our output any more, so nothing more is written to it.
 */
function stopEarly(cause: CoreStopCause, detail: string): void {
  if (finishing) return;
  finishing = true;
  writeLastWords({ cause, detail, at: new Date() });
  const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
  void Promise.race([closeRemoteConnections(), grace]).finally(() => process.exit(EXIT_FAILED));
}

/** How long a broken output pipe waits for stdin to end too (then the caller is gone, not just the pipe). */
const PIPE_CLOSED_WAIT_MS = 250;

const CALLER_GONE_DETAIL = 'The PowerShell that ran the command ended without stopping the core (killed, or its window closed).';

/** The request: all of stdin, or (attached, broker) its first line, with the caller watched from then on. */
function readRequest(mode: string | undefined): Promise<string> {
  if (mode !== '--attached' && mode !== '--broker') return readStdin();
  const broker = mode === '--broker' ? startBrokerOnStderr() : undefined;
  // An attached core may ask its PowerShell to read Microsoft Graph through the Graph session there (tenant/graph-broker.ts).
  const graph = startGraphBrokerOnStderr();
  let said: { cause: CoreStopCause; detail: string } | null = null;
  const caller = attachToCaller(
    process.stdin,
    (line) => {
      said = parseStopWord(line);
      if (said) stopEarly(said.cause, said.detail);
      else {
        broker?.deliver(line);
        graph.deliver(line);
      }
    },
    () => {
      broker?.end('the PowerShell that holds the remoting sessions stopped answering the core');
      graph.end('the PowerShell that holds the Graph session stopped answering the core');
      if (!said) stopEarly('CallerGone', CALLER_GONE_DETAIL);
    },
  );
  return caller.request;
}

/**
 * Whoever reads the core's output closed it (EPIPE): the core stops as if its caller were gone. And an error that
 * escaped every handler (a bug) is recorded as a crash, answered as an envelope when stdout still takes one, and ends
 * the process, rather than leaving an upgrade's records silent about why it stopped.
 */
function watchForAbruptEnds(): void {
  for (const stream of [process.stdout, process.stderr]) {
    // A PowerShell that is killed closes stdin and the output pipes at once: the end of stdin (CallerGone) is the truer
    // cause, so a broken pipe waits a moment for it before it counts.
    stream.on('error', (e: NodeJS.ErrnoException) => {
      const name = stream === process.stdout ? 'stdout' : 'stderr';
      setTimeout(() => stopEarly('PipeClosed', `The core's ${name} pipe was closed (${e.code ?? e.message}): nobody reads it any more.`), PIPE_CLOSED_WAIT_MS);
    });
  }
  const crash = (e: unknown) => {
    if (finishing) return;
    const message = String((e as Error)?.message ?? e);
    writeLastWords({ cause: 'CoreCrashed', detail: `An error escaped the core's handling: ${message}`, at: new Date() });
    const out = failure(new CoreError('CoreCrashed', `The MfaServerUpgrade core stopped on an unexpected error: ${message}`), EXIT_FAILED);
    finish(out.envelope, out.exitCode);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}

/** `--idle-seconds N` (a positive number) or the default. */
function idleSeconds(argv: string[]): number {
  const at = argv.indexOf('--idle-seconds');
  const value = at >= 0 ? Number(argv[at + 1]) : NaN;
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_IDLE_SECONDS;
}

async function main(argv: string[]): Promise<void> {
  const [arg, mode] = argv;
  if (arg === '--list') return finish(describeContracts(operations, TOOL_VERSION), 0);
  if (arg === '--version') return finish({ version: TOOL_VERSION, buildId: BUILD_ID }, 0);
  if (arg === '--serve') return serve({ idleSeconds: idleSeconds(argv), buildId: BUILD_ID, toolVersion: TOOL_VERSION });
  if (arg === '--record-stop') {
    const [envelope, exitCode] = await recordStopFromTransport(await readStdin());
    return finish(envelope, exitCode);
  }
  if (arg === '--serve-host') {
    await serveHostCalls();
    return process.exit(0);
  }
  const contract = arg ? findOperation(arg) : undefined;
  if (!contract) {
    const known = operations.map((o) => o.name).join(', ');
    const e = badRequest(
      'UnknownOperation',
      arg ? `Unknown operation '${arg}'. Known operations: ${known}.` : `Usage: mfa-core <operation> | --list | --version. Operations: ${known}.`,
      arg ?? 'operation',
    );
    const out = failure(e, EXIT_BAD_REQUEST);
    return finish(out.envelope, out.exitCode);
  }
  watchForAbruptEnds();
  try {
    const request = parseRequest(await readRequest(mode));
    const validate: StandaloneValidator = validators[contract.name];
    const outcome = await execute(contract, validate, request, stderrSink, TOOL_VERSION);
    await closeRemoteConnections(undefined, (message) => stderrSink({ event: 'log', level: 'verbose', message }));
    finish(outcome.envelope, outcome.exitCode);
  } catch (e) {
    await closeRemoteConnections();
    const err = e instanceof CoreError ? e : new CoreError('InternalError', String((e as Error)?.message ?? e));
    const out = failure(err, err instanceof BadRequestError ? EXIT_BAD_REQUEST : EXIT_FAILED);
    finish(out.envelope, out.exitCode);
  }
}

void main(process.argv.slice(2));
