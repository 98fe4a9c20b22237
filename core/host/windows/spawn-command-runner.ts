import { spawn } from 'node:child_process';
import { CoreError } from '../../util/errors';
import { quoteWindowsArgument, type CommandOptions, type CommandResult, type CommandRunner } from './command-runner';

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

/** Runs programs on the local machine with child_process.spawn (never through a shell: no %VAR% or ^ expansion). */
export class SpawnCommandRunner implements CommandRunner {
  run(file: string, args: string[], options: CommandOptions = {}): Promise<CommandResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(file, args, {
        stdio: ['ignore', 'pipe', 'pipe'],
        windowsHide: true,
        windowsVerbatimArguments: options.verbatimArguments === true,
        // In verbatim mode node writes argv[0] unquoted too; quote it ourselves in case the path has spaces.
        argv0: options.verbatimArguments ? quoteWindowsArgument(file) : undefined,
      });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      let timedOut = false;
      const timer =
        options.timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              timedOut = true;
              child.kill();
            }, options.timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error) => {
        if (timer) clearTimeout(timer);
        reject(new CoreError('CommandFailedToStart', `Could not start ${file}: ${error.message}`, file));
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        if (timedOut) {
          reject(new CoreError('CommandTimedOut', `${file} did not finish within ${options.timeoutMs} ms and was stopped.`, file));
          return;
        }
        resolve({
          // A program killed by a signal has no exit code; -1 is never a success code for any caller.
          exitCode: code ?? -1,
          stdout: decodeConsoleOutput(Buffer.concat(stdout)),
          stderr: decodeConsoleOutput(Buffer.concat(stderr)),
        });
      });
    });
  }
}
