/**
 * `mfa-core <operation> --attached` (and `--broker`): the caller sends the request as the first stdin line and keeps
 * stdin open for as long as it lives. The module's transport starts the core this way.
 *
 * Why: when the PowerShell that runs a cmdlet is killed rather than stopped (Task Manager, a deployment's maximum run
 * time, a closed console window), no `finally` runs in it, and on Windows a child process outlives its parent. The
 * operating system still closes that PowerShell's end of the pipe, so stdin ends here: the core stops, as it does on
 * Ctrl+C, instead of going on with an upgrade nobody watches. When the transport stops the core on purpose (Ctrl+C, a
 * time-out) it first says why in one stdin line (a stop word), so the run's records name the true cause. Stopping at
 * any point is safe by design: the journal says where a run stood and -Resume continues.
 */
import * as readline from 'node:readline';
import { isCoreStopCause, type CoreStopCause } from '../util/core-stop';

export interface AttachedCaller {
  /** The request: the first stdin line ('' when stdin ends before one arrives). */
  request: Promise<string>;
}

/**
 * Reads the request line, hands every later line to `onLine`, and calls `onGone` once stdin ends (after the request:
 * an empty stdin is just an empty request).
 */
export function attachToCaller(input: NodeJS.ReadableStream, onLine: (line: string) => void, onGone: () => void): AttachedCaller {
  let request: string | undefined;
  let resolveRequest!: (line: string) => void;
  const requested = new Promise<string>((resolve) => (resolveRequest = resolve));
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    if (request === undefined) resolveRequest((request = line));
    else onLine(line);
  });
  lines.on('close', () => {
    if (request === undefined) resolveRequest((request = ''));
    else onGone();
  });
  return { request: requested };
}

/** The causes only the transport can know and says with a stop word. */
const STOP_WORDS: CoreStopCause[] = ['Cancelled', 'TimedOut', 'CommandFailed'];

/**
 * The transport's word before it closes stdin on purpose: `{"stop":"Cancelled"|"TimedOut"|"CommandFailed","detail":"…"}`
 * (its keys in any order). Without it, the end of stdin means the PowerShell itself is gone (CallerGone). Any other
 * line is not a stop word.
 */
export function parseStopWord(line: string): { cause: CoreStopCause; detail: string } | null {
  if (!line.includes('"stop"')) return null;
  try {
    const word = JSON.parse(line) as { stop?: unknown; detail?: unknown };
    if (!isCoreStopCause(word.stop) || !STOP_WORDS.includes(word.stop)) return null;
    return { cause: word.stop, detail: typeof word.detail === 'string' ? word.detail.slice(0, 500) : '' };
  } catch {
    return null;
  }
}
