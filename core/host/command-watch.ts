/**
 * What the Windows adapter is waiting for, told as it happens: every program it starts, how long it has run, when it
 * ended, and when it ended while another process (a console host, a grandchild) still held its output. The runner
 * reports to whoever watches the current operation (an AsyncLocalStorage scope, so parallel work on several servers
 * reports to its own watcher); operations turn the events into progress events and log lines (the CMTrace log during
 * an upgrade), so an admin looking at a run that seems stuck sees which program it waits for and since when.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { LogLevel } from '../util/operation-context';

interface CommandFacts {
  /** The program's file name (reg.exe), for short messages. */
  program: string;
  /** The command line as shown to people: secrets masked by the caller. */
  commandLine: string;
  pid: number | undefined;
  timeoutMs: number;
}

export type CommandWatchEvent =
  | ({ kind: 'started' } & CommandFacts)
  | ({ kind: 'still-running'; elapsedMs: number } & CommandFacts)
  | ({ kind: 'exited-output-held'; exitCode: number; drainMs: number } & CommandFacts)
  | ({ kind: 'timed-out'; elapsedMs: number } & CommandFacts)
  | ({ kind: 'ended'; exitCode: number; elapsedMs: number } & CommandFacts);

export type CommandWatcher = (event: CommandWatchEvent) => void;

const scope = new AsyncLocalStorage<CommandWatcher>();

/** Runs `work` with `watcher` receiving the events of every program started within it (nested scopes replace). */
export function watchCommands<T>(watcher: CommandWatcher, work: () => Promise<T>): Promise<T> {
  return scope.run(watcher, work);
}

export function currentCommandWatcher(): CommandWatcher | undefined {
  return scope.getStore();
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

/** The sentence for an event (one line, for the log and the progress status). */
export function describeCommandEvent(e: CommandWatchEvent): string {
  const who = `${e.program}${e.pid === undefined ? '' : ` (pid ${e.pid})`}`;
  switch (e.kind) {
    case 'started':
      return `Waiting for ${who}, stopped after ${seconds(e.timeoutMs)}: ${e.commandLine}`;
    case 'still-running':
      return `Still waiting for ${who} after ${seconds(e.elapsedMs)} (stopped after ${seconds(e.timeoutMs)}): ${e.commandLine}`;
    case 'exited-output-held':
      return `${who} exited with ${e.exitCode}, but another process still held its output ${seconds(e.drainMs)} later; not waiting for it: ${e.commandLine}`;
    case 'timed-out':
      return `${who} did not finish within ${seconds(e.timeoutMs)} and was stopped: ${e.commandLine}`;
    case 'ended':
      return `${who} exited with ${e.exitCode} after ${seconds(e.elapsedMs)}`;
  }
}

/** The log level an event deserves: waits that went wrong or took long are worth an admin's eye. */
export function commandEventLevel(e: CommandWatchEvent): LogLevel {
  return e.kind === 'timed-out' || e.kind === 'exited-output-held' ? 'warning' : 'info';
}

/** A watcher that reports through an operation's own progress and log (which, in an upgrade, writes the CMTrace log). */
export function commandWatcherFor(ctx: { progress(activity: string, status: string): void; log(level: LogLevel, message: string): void }): CommandWatcher {
  return (e) => {
    const text = describeCommandEvent(e);
    if (e.kind !== 'ended') ctx.progress('Windows programs', text);
    ctx.log(commandEventLevel(e), text);
  };
}
