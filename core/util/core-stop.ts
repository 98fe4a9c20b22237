/**
 * Why a core process stopped before its work was done, and the "last words" written when it does.
 *
 * Every end of an upgrade run has a cause on record (journal.json and the CMTrace log). The core records the causes
 * it lives through itself, synchronously, just before it exits; the module's transport records the one it cannot
 * (the core killed from outside) with `mfa-core --record-stop`; the next run records an end nobody could (the
 * machine lost power, or the PowerShell and the core were both killed).
 */

export const CORE_STOP_CAUSES = [
  /** The command was stopped: Ctrl+C, Stop-Job, a stopped pipeline. The transport says so before closing stdin. */
  'Cancelled',
  /** The command outlived its time limit: the transport stopped the core. */
  'TimedOut',
  /** The PowerShell command failed while the core worked (an error in PowerShell, -ErrorAction Stop on a warning). */
  'CommandFailed',
  /** stdin ended with no word from the transport: the PowerShell that ran the command was killed or closed. */
  'CallerGone',
  /** The pipe the core reports through (stdout or stderr) was closed: nobody reads the core any more. */
  'PipeClosed',
  /** An error escaped the core's own handling (a bug): it recorded what it could and stopped. */
  'CoreCrashed',
  /** The core process was ended from outside (killed, or Node.js itself failed): recorded by the transport. */
  'CoreKilled',
  /** A run ended without any of the above on record (power loss, restart, everything killed): found by the next run. */
  'NotRecorded',
] as const;

export type CoreStopCause = (typeof CORE_STOP_CAUSES)[number];

/** What each cause means, for the admin reading the log or the journal. */
export const STOP_EXPLANATIONS: Record<CoreStopCause, string> = {
  Cancelled: 'The command running this upgrade was stopped (Ctrl+C, Stop-Job or a stopped pipeline) before the run finished.',
  TimedOut: 'The command running this upgrade ran past its time limit, so the module stopped it.',
  CommandFailed: 'The PowerShell command running this upgrade failed while the upgrade worked, so the module stopped it.',
  CallerGone: 'The PowerShell running this upgrade ended without stopping it (killed, or its window closed).',
  PipeClosed: 'The pipe this upgrade reports through was closed: nobody read its output any more.',
  CoreCrashed: 'An unexpected error stopped the process running this upgrade (a bug: report it with this log).',
  CoreKilled: 'The process running this upgrade was ended from outside (killed by Task Manager, Stop-Process or a time limit, or Node.js itself failed).',
  NotRecorded:
    'A run of this upgrade ended without recording why (the machine restarted or lost power, or its processes were killed together); ' +
    'found by the next run.',
};

export function isCoreStopCause(value: unknown): value is CoreStopCause {
  return typeof value === 'string' && (CORE_STOP_CAUSES as readonly string[]).includes(value);
}

export interface CoreStop {
  cause: CoreStopCause;
  /** What happened, in the words of whoever saw it (no secrets: it goes into the journal and the log). */
  detail: string;
  at: Date;
}

const lastWords = new Set<(stop: CoreStop) => void>();
let spoken = false;

/**
 * `note` runs (synchronously, just before the core exits) if the core stops before its work is done; the returned
 * function unregisters it. An upgrade run registers one that writes the cause into its journal and log.
 */
export function whenCoreStops(note: (stop: CoreStop) => void): () => void {
  lastWords.add(note);
  return () => lastWords.delete(note);
}

/**
 * Called once by whatever stops the core (stdin ended, a stop word from the transport, a broken pipe, an escaped
 * error); later calls are ignored, so the first cause seen is the one on record. A note that fails does not keep the
 * others from running.
 */
export function writeLastWords(stop: CoreStop): void {
  if (spoken) return;
  spoken = true;
  for (const note of lastWords) {
    try {
      note(stop);
    } catch {
      // Nothing more can be done: the core is stopping and nobody may read its output.
    }
  }
}

/** Tests: forget that last words were written, so one process can exercise them twice. */
export function resetLastWordsForTests(): void {
  spoken = false;
}
