/**
 * Our safe adapter over node-powershell (5.0.1, unmaintained upstream): the one way the project drives a long-lived
 * PowerShell process (the test suite, and the remote host adapter through PowerShell remoting).
 * What it guards against (measured, see stack-notes.md):
 * - a missing executable crashes Node: the path is checked before anything is spawned;
 * - multi-line commands on `-Command -` can hang: every call is ONE line; the script and its values travel base64 /
 *   as a single-quoted JSON literal, never interpolated into the command text;
 * - warnings/verbose mix with data on stdout: the wrapper captures every stream itself and prints one marked JSON line;
 * - a timeout leaves the command running: the session is thrown away after one;
 * - its reader misses the end of a call whose output arrives in one chunk (a hang under load): ours replaces it
 *   (delimited-output.ts).
 */
import { accessSync, constants } from 'node:fs';
import type { PowerShell } from 'node-powershell';
import { readBetweenDelimiters } from './delimited-output';

export interface PsErrorInfo {
  message: string;
  fullyQualifiedErrorId: string;
  category: string;
  targetObject: unknown;
  recommendedAction: string | null;
  exceptionType: string;
}

export interface ScriptOutcome {
  /** False when the script ended with a terminating error. */
  ok: boolean;
  output: unknown[];
  errors: PsErrorInfo[];
  warnings: string[];
  verbose: string[];
  information: string[];
  terminatingError: PsErrorInfo | null;
}

export interface PowerShellSessionOptions {
  /** Full path of pwsh (or powershell.exe). */
  executable: string;
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const MARK = '@@MFA-RESULT@@';

// Runs the caller's script with every stream captured, so stdout carries exactly one marked JSON line.
// $MfaState is what a script keeps between calls (the remoting session, say): the caller's when it brings one (the
// module's transport keeps one per connection), else this PowerShell's own.
export const WRAPPER = String.raw`
param([string] $ScriptBase64, [string] $ValuesJson)
$ProgressPreference = 'SilentlyContinue'
if ($null -eq $MfaState) {
    if ($null -eq $global:MfaState) { $global:MfaState = @{} }
    $MfaState = $global:MfaState
}
$V = ConvertFrom-Json -InputObject $ValuesJson
$mfaScript = [scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ScriptBase64)))
function ConvertTo-MfaErrorInfo($e) {
    $recommended = $null
    if ($e.ErrorDetails) { $recommended = $e.ErrorDetails.RecommendedAction }
    # Only plain values: some errors (remoting) carry live objects whose JSON never ends, which broke the session.
    $target = $e.TargetObject
    if (($null -ne $target) -and -not (($target -is [string]) -or ($target -is [ValueType]))) { $target = [string]$target }
    [ordered]@{
        message = $e.Exception.Message; fullyQualifiedErrorId = $e.FullyQualifiedErrorId
        category = [string]$e.CategoryInfo.Category; targetObject = $target
        recommendedAction = $recommended; exceptionType = $e.Exception.GetType().FullName
    }
}
$out = New-Object System.Collections.Generic.List[object]
$errs = New-Object System.Collections.Generic.List[object]
$warn = New-Object System.Collections.Generic.List[string]
$verb = New-Object System.Collections.Generic.List[string]
$info = New-Object System.Collections.Generic.List[string]
$term = $null
try {
    & $mfaScript *>&1 | ForEach-Object {
        if ($_ -is [System.Management.Automation.ErrorRecord]) { $errs.Add((ConvertTo-MfaErrorInfo $_)) }
        elseif ($_ -is [System.Management.Automation.WarningRecord]) { $warn.Add($_.Message) }
        elseif ($_ -is [System.Management.Automation.VerboseRecord]) { $verb.Add($_.Message) }
        elseif ($_ -is [System.Management.Automation.DebugRecord]) { $verb.Add($_.Message) }
        elseif ($_ -is [System.Management.Automation.InformationRecord]) { $info.Add([string]$_.MessageData) }
        else { $out.Add($_) }
    }
} catch { $term = ConvertTo-MfaErrorInfo $_ }
$result = [ordered]@{
    ok = ($null -eq $term); output = $out.ToArray(); errors = $errs.ToArray(); warnings = $warn.ToArray()
    verbose = $verb.ToArray(); information = $info.ToArray(); terminatingError = $term
}
'${MARK}' + (ConvertTo-Json -InputObject $result -Depth 12 -Compress)
`;

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const singleQuoted = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** Somewhere scripts run: a pwsh of our own (PowerShellSession) or the admin's own PowerShell (BrokeredPowerShell). */
export interface PowerShellChannel {
  run(script: string, values?: unknown): Promise<ScriptOutcome>;
  close(): Promise<void>;
}

/** The one line that runs a script with its values inside the capturing wrapper. */
export function wrappedCommand(script: string, values: unknown = {}): string {
  return `& ([scriptblock]::Create([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${b64(WRAPPER)}')))) ` +
    `'${b64(script)}' ${singleQuoted(JSON.stringify(values))}`;
}

/** The wrapper's marked result line, found in everything the PowerShell printed. */
export function parseWrappedOutput(raw: string): ScriptOutcome {
  // pwsh may put terminal mode escapes (ESC[?1h) around lines: look for the marker anywhere in a line.
  const at = raw.indexOf(MARK);
  if (at < 0) throw new Error(`PowerShell returned no result line. Output was: ${raw.slice(0, 2000)}`);
  // eslint-disable-next-line no-control-regex -- a terminal escape sequence starts with the ESC control character
  const json = raw.slice(at + MARK.length).split(/\r?\n/)[0].replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
  const parsed = JSON.parse(json) as ScriptOutcome;
  // ConvertTo-Json writes a one-element array as the element itself on Windows PowerShell 5.1: normalise.
  for (const k of ['output', 'errors', 'warnings', 'verbose', 'information'] as const) {
    const v = parsed[k] as unknown;
    (parsed as unknown as Record<string, unknown>)[k] = v == null ? [] : Array.isArray(v) ? v : [v];
  }
  return parsed;
}

/**
 * Puts our reader in place of child-shell's private `readBulkFromOutput` on this one instance (it cannot be overridden
 * in a subclass: TypeScript forbids redeclaring a private member). node-powershell is pinned exactly, and a missing
 * method stops here rather than silently bringing the hang back.
 */
function useOurOutputReader(shell: PowerShell): void {
  const internals = shell as unknown as { readBulkFromOutput?: unknown };
  if (typeof internals.readBulkFromOutput !== 'function') {
    void shell.dispose().catch(() => undefined);
    throw new Error('node-powershell no longer has the output reader this adapter replaces: check its version (5.0.1 expected).');
  }
  internals.readBulkFromOutput = readBetweenDelimiters;
}

export class PowerShellSession implements PowerShellChannel {
  private broken = false;
  /** What PowerShell wrote to stderr (bounded): when the process dies, .NET's unhandled-exception text is there. */
  private stderrText = '';

  private constructor(private readonly shell: PowerShell) {
    const streams = (shell as unknown as { streams?: { stderr?: NodeJS.ReadableStream } }).streams;
    streams?.stderr?.on('data', (chunk: Buffer | string) => {
      if (this.stderrText.length < STDERR_KEPT_CHARS) this.stderrText += chunk.toString();
    });
  }

  static open(options: PowerShellSessionOptions): PowerShellSession {
    try {
      accessSync(options.executable, constants.X_OK);
    } catch {
      throw new Error(`PowerShell executable not found or not executable: ${options.executable}`);
    }
    // Loaded here, not at the top: only remoting needs it, and loading it cost every cmdlet call ~2 ms of start-up.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load must be synchronous here: open() is not async
    const { PowerShell: Shell } = require('node-powershell') as typeof import('node-powershell');
    const shell = new Shell({
      executable: options.executable,
      executableOptions: { '-NoProfile': true, '-NonInteractive': true },
      invocationTimeout: options.timeoutMs ?? 120_000,
      throwOnInvocationError: false,
      spawnOptions: { env: options.env ?? process.env, cwd: options.cwd },
    });
    useOurOutputReader(shell);
    return new PowerShellSession(shell);
  }

  /** Run a script (any number of lines); `values` arrive in the script as `$V` (parsed from JSON). */
  async run(script: string, values: unknown = {}): Promise<ScriptOutcome> {
    if (this.broken) throw new Error('This PowerShell session timed out earlier and was discarded; open a new one.');
    let raw: string;
    try {
      raw = (await this.shell.invoke(wrappedCommand(script, values))).raw;
    } catch (e) {
      this.broken = true;
      await this.close();
      const why = `${(e as Error).message || 'timeout'}${howItEnded(e)}${this.stderrShown()}`;
      throw new Error(`PowerShell call failed or timed out (session discarded): ${why}`, { cause: e });
    }
    return parseWrappedOutput(raw);
  }

  async close(): Promise<void> {
    await this.shell.dispose().catch(() => undefined);
  }

  private stderrShown(): string {
    // The exception's message and first frames come first; the rest of a .NET stack says little.
    const text = this.stderrText.trim();
    if (text === '') return '';
    return `; its error output: ${text.length > STDERR_SHOWN_CHARS ? `${text.slice(0, STDERR_SHOWN_CHARS)}…` : text}`;
  }
}

const STDERR_KEPT_CHARS = 64 * 1024;
const STDERR_SHOWN_CHARS = 1500;

/** How the PowerShell process ended, when it did (child-shell's ProcessError): a crash and a kill read differently. */
function howItEnded(e: unknown): string {
  const { exitCode, signalCode } = (e ?? {}) as { exitCode?: number | null; signalCode?: string | null };
  if (exitCode === undefined && signalCode === undefined) return '';
  return ` (exit code ${String(exitCode)}, signal ${String(signalCode)})`;
}
