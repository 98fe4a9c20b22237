/**
 * mfa-core: the only entry. `mfa-core <operation>` reads one JSON request on stdin and writes one envelope to stdout.
 * `mfa-core --list` prints every operation contract; `mfa-core --version` the tool's version.
 * `mfa-core --serve-host` is the far end of a remote connection: host-call batches as NDJSON until stdin ends.
 * `mfa-core <operation> --attached`: the request is the first stdin line and stdin stays open while the caller lives;
 * its end stops the core (runtime/attached-caller.ts). The module's transport starts the core this way.
 * `mfa-core <operation> --broker`: attached, and the transport runs remoting scripts for the core (-Session,
 * -Credential): asks go out as events, answers come back on later stdin lines (brokered-powershell.ts).
 * `mfa-core --serve [--idle-seconds N]`: the warm core, one per PowerShell runspace, many calls (runtime/serve.ts).
 */
import { operations, findOperation } from './operations/index';
import validators from './generated/validators';
import { describeContracts } from './operations/describe';
import { execute, failure, parseRequest } from './runtime/execute';
import { badRequest, BadRequestError, EXIT_BAD_REQUEST, EXIT_FAILED, type Envelope } from './runtime/envelope';
import { stderrSink } from './runtime/events';
import { BUILD_ID, TOOL_VERSION } from './version';
import { CoreError } from './util/errors';
import type { StandaloneValidator } from './runtime/validate';
import { serveHostCalls } from './host/remote/serve-host';
import { startBrokerOnStderr } from './host/remote/brokered-powershell';
import { attachToCaller, writeLastWords } from './runtime/attached-caller';
import { closeRemoteConnections } from './host/remote/open-remote';
import { DEFAULT_IDLE_SECONDS, serve } from './runtime/serve';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

let finishing = false;

function finish(envelope: Envelope | unknown, exitCode: number): void {
  finishing = true;
  process.stdout.write(JSON.stringify(envelope) + '\n', () => process.exit(exitCode));
}

/** How long a core whose caller is gone gives its remote connections to close before it ends anyway. */
const CLOSE_GRACE_MS = 2_000;

/** The caller's PowerShell ended without stopping us: stop as Ctrl+C would (nobody reads our output any more). */
function stopBecauseCallerIsGone(): void {
  if (finishing) return;
  finishing = true;
  writeLastWords();
  const grace = new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
  void Promise.race([closeRemoteConnections(), grace]).finally(() => process.exit(EXIT_FAILED));
}

/** The request: all of stdin, or (attached, broker) its first line, with the caller watched from then on. */
function readRequest(mode: string | undefined): Promise<string> {
  if (mode !== '--attached' && mode !== '--broker') return readStdin();
  const broker = mode === '--broker' ? startBrokerOnStderr() : undefined;
  const caller = attachToCaller(
    process.stdin,
    (line) => broker?.deliver(line),
    () => {
      broker?.end('the PowerShell that holds the remoting sessions stopped answering the core');
      stopBecauseCallerIsGone();
    },
  );
  return caller.request;
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
  if (arg === '--serve-host') {
    await serveHostCalls();
    return process.exit(0);
  }
  const contract = arg ? findOperation(arg) : undefined;
  if (!contract) {
    const known = operations.map((o) => o.name).join(', ');
    const e = badRequest('UnknownOperation', arg ? `Unknown operation '${arg}'. Known operations: ${known}.` : `Usage: mfa-core <operation> | --list | --version. Operations: ${known}.`, arg ?? 'operation');
    const out = failure(e, EXIT_BAD_REQUEST);
    return finish(out.envelope, out.exitCode);
  }
  try {
    const request = parseRequest(await readRequest(mode));
    const validate: StandaloneValidator = validators[contract.name];
    const outcome = await execute(contract, validate, request, stderrSink, TOOL_VERSION);
    await closeRemoteConnections();
    finish(outcome.envelope, outcome.exitCode);
  } catch (e) {
    await closeRemoteConnections();
    const err = e instanceof CoreError ? e : new CoreError('InternalError', String((e as Error)?.message ?? e));
    const out = failure(err, err instanceof BadRequestError ? EXIT_BAD_REQUEST : EXIT_FAILED);
    finish(out.envelope, out.exitCode);
  }
}

void main(process.argv.slice(2));
