/**
 * `mfa-core <operation> --attached` (and `--broker`): the caller sends the request as the first stdin line and keeps
 * stdin open for as long as it lives. The module's transport starts the core this way.
 *
 * Why: when the PowerShell that runs a cmdlet is killed rather than stopped (Task Manager, a deployment's maximum run
 * time, a closed console window), no `finally` runs in it, and on Windows a child process outlives its parent. The
 * operating system still closes that PowerShell's end of the pipe, so stdin ends here: the core stops, as it does on
 * Ctrl+C, instead of going on with an upgrade nobody watches. Stopping at any point is safe by design: the journal says
 * where a run stood and -Resume continues.
 */
import * as readline from 'node:readline';

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

/** What must be written down if the core stops because its caller is gone (the run's log line, say). */
const lastWords = new Set<() => void>();

/**
 * `note` runs (synchronously, just before the core exits) if the caller goes away while it is registered; the
 * returned function unregisters it.
 */
export function whenCallerGone(note: () => void): () => void {
  lastWords.add(note);
  return () => lastWords.delete(note);
}

/** Called by the CLI when it stops because the caller is gone. A note that fails does not keep the others from running. */
export function writeLastWords(): void {
  for (const note of lastWords) {
    try {
      note();
    } catch {
      // Nothing more can be done: the core is stopping and nobody reads its output.
    }
  }
}
