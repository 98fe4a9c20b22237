/**
 * The single door through which the Windows adapter touches the operating system's programs
 * (reg.exe, sc.exe, msiexec.exe, setup programs). Tests inject a recorded fake; production uses SpawnCommandRunner.
 */

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /**
   * Stop the program after this long. Required: no program the adapter starts may hold a run forever (a console
   * program waiting on input it will never get, an installer stuck on a hidden prompt).
   */
  timeoutMs: number;
  /** The command line as people may see it (progress, log); secrets masked. Default: the real command line. */
  display?: string;
  /**
   * Pass `args` to the program exactly as written, joined by spaces, without the usual C-runtime quoting.
   * msiexec parses its own command line and wants `PROP="value with spaces"`, which normal quoting
   * would turn into `"PROP=value with spaces"`.
   */
  verbatimArguments?: boolean;
}

export interface CommandRunner {
  run(file: string, args: string[], options: CommandOptions): Promise<CommandResult>;
}

/**
 * Quotes one argument the way node (libuv) does on Windows when `windowsVerbatimArguments` is off, so that the
 * C runtime's parser in the child gets back the original string. Only arguments with a space, tab or quote are quoted;
 * backslashes are doubled only where they precede a quote (including the closing one: `C:\Dir\ ` ends `\\"`).
 */
export function quoteWindowsArgument(arg: string): string {
  if (arg === '') return '""';
  if (!/[ \t"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
      continue;
    }
    if (ch === '"') {
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      out += '\\'.repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  return out + '\\'.repeat(backslashes * 2) + '"';
}

/** The command line Windows receives for this call: what logs show and what the recorded fake compares. */
export function renderCommandLine(file: string, args: string[], options?: Pick<CommandOptions, 'verbatimArguments'>): string {
  const head = quoteWindowsArgument(file);
  const tail = options?.verbatimArguments ? args : args.map(quoteWindowsArgument);
  return [head, ...tail].join(' ');
}
