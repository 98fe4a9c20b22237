/**
 * What an operation's handler is given to report and to act: its context. Kept apart from the operation contract
 * (cmdlets/contract/contract.ts) because every layer below the cmdlets (the upgrade engine, the host's command watch,
 * the CLI envelope) speaks to this context without knowing how operations are declared.
 */

/** One step an operation would take; `-WhatIf` prints these, `-Confirm` asks about each one. */
export interface PlannedAction {
  /** Stable between a dry run and the real run of the same request. */
  id: string;
  /** What it acts on (file, server, product). */
  target: string;
  /** What it does, one line: the ShouldProcess action text (a confirmation prompt shows one line per action). */
  description: string;
  /** The details (each file, each setting): shown with -Verbose before the prompt, never in it. */
  details?: string[];
}

import type { CallerFacts } from './caller-facts';

/**
 * verbose and info reach PowerShell's verbose stream (info also the run's log); warning its warning stream;
 * information is for the admin's eyes as Write-Host shows it (PowerShell's information stream, tag PSHOST), also in a
 * dry run: what a -WhatIf ends with ("Dry run: nothing was changed"), which no real run repeats.
 */
export type LogLevel = 'verbose' | 'info' | 'information' | 'warning';

export interface OperationContext {
  readonly dryRun: boolean;
  readonly toolVersion: string;
  /** Who called (account, machine, module); absent in contexts made without a request (tests): callerFacts() then. */
  readonly caller?: CallerFacts;
  progress(activity: string, status: string, percent?: number): void;
  log(level: LogLevel, message: string): void;
  /**
   * An upgrade run opened its journal: tells the transport where it is, so that a core killed from outside still
   * gets its stop recorded there and in the run's log (`mfa-core --record-stop`). Absent in a dry run.
   */
  announceRun?(records: { journal: string }): void;
  /**
   * Run a state-changing step. In a dry run it is only recorded; in a real run it runs when the caller approved it
   * (or approved everything), else it is recorded as skipped and `undefined` comes back.
   */
  act<T>(action: PlannedAction, run: () => Promise<T>): Promise<T | undefined>;
}
