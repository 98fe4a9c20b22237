/**
 * Why this file: the one place the Windows adapter starts a program (reg.exe, sc.exe, msiexec, icacls), with time-
 * outs and OEM output decoding.
 */
import { spawn } from 'node:child_process';
import { CoreError } from '../../util/errors';
import { renderCommandLine, quoteWindowsArgument, type CommandOptions, type CommandResult, type CommandRunner } from './command-runner';
import { currentCommandWatcher, type CommandWatchEvent } from '../command-watch';
import { windowsBasename } from '../../util/windows-path';

/**
 * Console programs write their output in the console's OEM code page when it goes to a pipe. Text that is valid
 * UTF-8 is taken as such; anything else falls back to Windows-1252, which agrees with every OEM code page on ASCII
 * (the only part of reg.exe/sc.exe output this adapter interprets).
 */
function decodeConsoleOutput(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

export interface SpawnCommandRunnerOptions {
  /**
   * After the program exits, how long to keep reading what it wrote before its pipes close. Another process that
   * inherited the pipes (a console host, a program it started) may hold them open long after: its exit, not the
   * pipes, ends the wait.
   */
  drainMs?: number;
  /** After a time-out: how long a program gets to end once stopped, before it is killed outright and left behind. */
  killGraceMs?: number;
  /** How often a program still running is reported to the watcher. */
  reportEveryMs?: number;
}

/** The file name of a program path in either separator style, for messages. */
function programName(file: string): string {
  return windowsBasename(file) || file;
}

/** Runs programs on the local machine with child_process.spawn (never through a shell: no %VAR% or ^ expansion). */
export class SpawnCommandRunner implements CommandRunner {
  private readonly drainMs: number;
  private readonly killGraceMs: number;
  private readonly reportEveryMs: number;

  constructor(options: SpawnCommandRunnerOptions = {}) {
    this.drainMs = options.drainMs ?? 2_000;
    this.killGraceMs = options.killGraceMs ?? 5_000;
    this.reportEveryMs = options.reportEveryMs ?? 15_000;
  }

  run(file: string, args: string[], options: CommandOptions): Promise<CommandResult> {
    const watcher = currentCommandWatcher();
    const started = Date.now();
    const facts = {
      program: programName(file),
      commandLine: options.display ?? renderCommandLine(file, args, options),
      pid: undefined as number | undefined,
      timeoutMs: options.timeoutMs,
    };
    const tell = (event: CommandWatchEvent) => {
      try {
        watcher?.(event);
      } catch {
        // a watcher that fails must not change what the program did
      }
    };
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        windowsVerbatimArguments: options.verbatimArguments === true,
        // In verbatim mode node writes argv[0] unquoted too; quote it ourselves in case the path has spaces.
        argv0: options.verbatimArguments ? quoteWindowsArgument(file) : undefined,
      });
      facts.pid = child.pid;
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      const timers: NodeJS.Timeout[] = [];
      let exitCode: number | undefined;
      let timedOut = false;
      let done = false;

      const finish = (outcome: () => void) => {
        if (done) return;
        done = true;
        for (const t of timers) clearTimeout(t);
        clearInterval(reporter);
        // Whatever still holds the pipes, this side lets go of them (a held pipe must not keep node alive either).
        child.stdout.destroy();
        child.stderr.destroy();
        outcome();
      };
      const timeOut = () => {
        tell({ kind: 'timed-out', ...facts, elapsedMs: Date.now() - started });
        finish(() =>
          reject(new CoreError(
            'CommandTimedOut',
            `${file} did not finish within ${Math.round(options.timeoutMs / 1000)} s and was stopped.`,
            file,
            { commandLine: facts.commandLine, timeoutMs: options.timeoutMs },
          )),
        );
      };
      const succeed = () =>
        finish(() => {
          tell({ kind: 'ended', ...facts, exitCode: exitCode ?? -1, elapsedMs: Date.now() - started });
          // A program killed by a signal has no exit code; -1 is never a success code for any caller.
          resolve({ exitCode: exitCode ?? -1, stdout: decodeConsoleOutput(Buffer.concat(stdout)), stderr: decodeConsoleOutput(Buffer.concat(stderr)) });
        });

      const reporter = setInterval(() => tell({ kind: 'still-running', ...facts, elapsedMs: Date.now() - started }), this.reportEveryMs);
      timers.push(
        setTimeout(() => {
          timedOut = true;
          child.kill();
          // A program that ignores the request (or cannot be ended) is killed outright; the wait ends either way.
          timers.push(
            setTimeout(() => {
              child.kill('SIGKILL');
              timeOut();
            }, this.killGraceMs),
          );
        }, options.timeoutMs),
      );
      child.on('spawn', () => tell({ kind: 'started', ...facts }));
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => {
        if (exitCode !== undefined || timedOut) return; // a failed kill after the program ended changes nothing
        finish(() => reject(new CoreError('CommandFailedToStart', `Could not start ${file}: ${error.message}`, file)));
      });
      child.on('exit', (code) => {
        exitCode = code ?? -1;
        if (done) return;
        if (timedOut) return timeOut();
        // 'close' normally follows at once; if another process holds the pipes, stop reading after drainMs.
        timers.push(
          setTimeout(() => {
            tell({ kind: 'exited-output-held', ...facts, exitCode: exitCode ?? -1, drainMs: this.drainMs });
            succeed();
          }, this.drainMs),
        );
      });
      child.on('close', () => {
        if (exitCode === undefined) exitCode = child.exitCode ?? -1;
        if (timedOut) return timeOut();
        succeed();
      });
    });
  }
}
