/**
 * The scheduled nightly backup: the Task Scheduler XML (schema 1.2) that runs Backup-PhoneFactor as SYSTEM once a day.
 * Built here as text so -AsXml and -WhatIf can show exactly what would be registered, and tests can check it without
 * a Task Scheduler. Every value that reaches the PowerShell command is single-quoted (quotes doubled), and the whole
 * XML is escaped, so a destination such as `D:\O'Brien & Co` survives both layers.
 */
import { hasControlCharacter } from '../util/control-characters';
import { CoreError } from '../util/errors';
import { hasCharacterWindowsRefusesInName } from '../util/windows-path';
import { SERVER_LOG_FOLDER } from './catalog';
import { LOG_KEEP_FILES, LOG_ROTATE_BYTES } from './log-rotation';
import { XMLParser } from 'fast-xml-parser';

export const TASK_NAMESPACE = 'http://schemas.microsoft.com/windows/2004/02/mit/task';
export const DEFAULT_TASK_NAME = '\\MfaServerUpgrade\\PhoneFactorBackup';
export const DEFAULT_RETAIN = 7;
/** powershell.exe (Windows PowerShell 5.1) is on every supported server; the module is installed for it. */
export const TASK_PROGRAM = '%SystemRoot%\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
/** Beside the upgrade's own log (windows-admin-conventions: %SystemRoot%\Logs\Software). */
export const TASK_LOG_PATH = '%SystemRoot%\\Logs\\Software\\MfaServerUpgrade-Backup.log';
/** The same log as a path of the server, to read it back (Get-PhoneFactorBackupTask). */
export const TASK_LOG_FILE = `${SERVER_LOG_FOLDER}\\MfaServerUpgrade-Backup.log`;
/** The lines each run of the task writes around Backup-PhoneFactor's own output: its start, and how it ended. */
export const TASK_RUN_START = ' scheduled backup';
export const TASK_RUN_OK = ' OK: the scheduled backup completed';
export const TASK_RUN_FAILED = ' FAILED: ';
/** SYSTEM, by its well-known SID: independent of the Windows display language. */
export const SYSTEM_SID = 'S-1-5-18';

export interface BackupTaskSpec {
  taskName: string;
  /** Windows path on the server that receives the backups. */
  destination: string;
  /** Daily start time, local time of the server. */
  at: DailyTime;
  retain: number;
  stopService: boolean;
  /** The first day the trigger applies (its date part only); the trigger then repeats every day. */
  startDate: Date;
  /** The module's manifest, by full path on the server (checkTaskModule). */
  moduleManifest: string;
}

export interface DailyTime {
  hours: number;
  minutes: number;
}

/**
 * A time of day: `HH:mm` (24-hour; `2:30` is accepted as 02:30), or a [datetime] as it reaches a text parameter: what
 * PowerShell makes of it (invariant culture, `03/01/2024 02:30:00`) or an ISO-8601 time (`2024-03-01T02:30:00+01:00`).
 * A date and time gives its time of day as written, the server's local time the task runs at; seconds are dropped.
 */
export function parseDailyTime(at: string): DailyTime {
  const patterns = [
    /^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$/,
    /^\s*\d{2}\/\d{2}\/\d{4} ([01]\d|2[0-3]):([0-5]\d):[0-5]\d\s*$/,
    /^\s*\d{4}-\d{2}-\d{2}[T ]([01]\d|2[0-3]):([0-5]\d)(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?\s*$/,
  ];
  const m = patterns.map((p) => p.exec(at)).find((x) => x !== null);
  if (!m) {
    throw new CoreError('InvalidTime', `-At '${at}' is not a time of day: use 24-hour HH:mm, for example 02:30 or 23:15, or a [datetime] ` +
      '(Get-Date 02:30).', 'At');
  }
  return { hours: Number(m[1]), minutes: Number(m[2]) };
}

export const formatDailyTime = (t: DailyTime) => `${pad(t.hours)}:${pad(t.minutes)}`;

/**
 * A task path as Task Scheduler names it: `\Folder\Name`, a leading `\` added when missing. Characters Windows refuses
 * in file names are refused here too (a task is a file under System32\Tasks), as are empty, `.` and `..` parts.
 */
export function normalizeTaskName(name: string): string {
  const trimmed = name.trim();
  const parts = trimmed.replace(/^\\/, '').split('\\');
  const bad = parts.find((p) => p === '' || p === '.' || p === '..' || /[/%]/.test(p) || hasCharacterWindowsRefusesInName(p) || p !== p.trim());
  if (trimmed === '' || bad !== undefined) {
    throw new CoreError(
      'InvalidTaskName',
      `'${name}' is not a usable task name: use \\Folder\\Name without < > : " / | ? * % and without empty, '.' or '..' parts.`,
      'TaskName',
    );
  }
  return `\\${parts.join('\\')}`;
}

/**
 * The destination as the task will see it: an absolute Windows path (the task starts in System32 as SYSTEM, so a
 * relative path would mean nothing). `"` cannot occur in a Windows path and would break the command line; `%` would
 * be expanded by Task Scheduler as an environment variable.
 */
export function checkTaskDestination(destination: string): string {
  const d = destination.trim();
  if (!/^([A-Za-z]:\\|\\\\[^\\]+\\[^\\]+)/.test(d)) {
    throw new CoreError(
      'TaskDestinationNotAbsolute',
      `The scheduled task runs on the server as SYSTEM: give -Destination as a full Windows path such as D:\\Backups\\PhoneFactor or ` +
        `\\\\fileserver\\share\\PhoneFactor (got '${destination}').`,
      'Destination',
    );
  }
  if (/["%]/.test(d) || hasControlCharacter(d)) {
    throw new CoreError(
      'TaskDestinationUnsupported',
      `-Destination '${destination}' contains " , % or a control character, which a scheduled task's command line cannot carry safely; choose another folder.`,
      'Destination',
    );
  }
  return d;
}

export function checkRetain(retain: number | undefined): number {
  const n = retain ?? DEFAULT_RETAIN;
  // 0 would keep no backup at all; the schema also says minimum 1, this guards direct callers.
  if (!Number.isSafeInteger(n) || n < 1) throw new CoreError(
    'InvalidRetain',
    `-Retain must be 1 or more (got ${retain}); the default keeps ${DEFAULT_RETAIN}.`,
    'Retain',
  );
  return n;
}

/**
 * A PowerShell single-quoted literal. PowerShell also ends a single-quoted string at the typographic quotes
 * U+2018..U+201B, so those are doubled as well (as PowerShell's own CodeGeneration.EscapeSingleQuotedStringContent does).
 */
export function psSingleQuoted(value: string): string {
  return `'${value.replace(/['\u2018\u2019\u201A\u201B]/g, (q) => q + q)}'`;
}

/** Where the task's backup runs: the server itself, or (a rehearsal) a server of a lab folder on this machine. */
export interface BackupTaskTarget {
  /** Full path of the lab folder; absent on a real server. */
  labPath?: string;
  /** The lab server the task belongs to (a lab may hold several). */
  computerName?: string;
}

type CommandSpec = Pick<BackupTaskSpec, 'destination' | 'retain' | 'stopService' | 'moduleManifest'> & BackupTaskTarget;

/** Profile folders: a module there belongs to one user (redirected, roamed or deleted with the profile). */
const PROFILE_FOLDER = /^[A-Za-z]:\\(Users|Documents and Settings)\\/i;

/**
 * The module the task imports, by the full path of its manifest: the task runs in Windows PowerShell 5.1, which does
 * not look where PowerShell 7 installs modules ($env:ProgramFiles\PowerShell\Modules), so importing by name would fail
 * every night for a module installed from PowerShell 7. The path must be one SYSTEM can rely on: a full local path
 * (a share is reached as the computer account, a mapped drive letter is the admin's own), not in a user profile,
 * and one the command line can carry. A path of this machine (a lab rehearsal on Linux) is taken as it is.
 */
export function checkTaskModule(moduleManifest: string | null): string {
  if (moduleManifest === null) {
    throw new CoreError(
      'TaskModuleUnknown',
      'The module this command runs from is not known (the core was not started by the MfaServerUpgrade module), so the task could not import it by ' +
        'its path. Run Register-PhoneFactorBackupTask from the MfaServerUpgrade module installed on the server.',
      'ModulePath',
    );
  }
  const refuse = (why: string) =>
    new CoreError(
      'TaskModuleNotReachable',
      `The task runs as SYSTEM in Windows PowerShell 5.1 and imports the module by its full path, and this module (${moduleManifest}) ${why}. Install ` +
        `it for all users (Install-PSResource MfaServerUpgrade -Scope AllUsers from PowerShell 7, or copy it to ` +
        `C:\\Program Files\\WindowsPowerShell\\Modules), import it from there and register the task again.`,
      moduleManifest,
    );
  if (/["%]/.test(moduleManifest) || hasControlCharacter(moduleManifest)) {
    throw refuse('contains " , % or a control character, which the task\'s command line cannot carry');
  }
  if (moduleManifest.startsWith('/')) return moduleManifest;
  if (moduleManifest.startsWith('\\\\')) throw refuse('lies on a network share, which SYSTEM reaches as the computer account if at all');
  if (!/^[A-Za-z]:\\/.test(moduleManifest)) throw refuse('is not a full local path');
  if (PROFILE_FOLDER.test(moduleManifest)) throw refuse('lies in a user profile, which belongs to that user and may be redirected, roamed or removed');
  return moduleManifest;
}

/**
 * The -Command script. It imports the module by the full path of its manifest (checkTaskModule), never by name. The
 * log is appended with a start line and every stream of Backup-PhoneFactor; a failure is
 * logged and ends the task with exit code 1, so "Last Run Result" in Task Scheduler shows it. No double quotes inside:
 * the whole script is one double-quoted argument of powershell.exe.
 *
 * Statements are joined with '; ', so a construct that spans several clauses (try/catch) must be ONE element:
 * PowerShell (5.1 and 7) does not parse a ';' between '}' and 'catch'. Tests run this exact text in pwsh.
 */
export function backupTaskCommand(spec: CommandSpec): string {
  const target = spec.labPath === undefined ? '' : ` -LabPath ${psSingleQuoted(checkCommandValue(spec.labPath, 'LabPath'))}${spec.computerName ? ` ` +
    `-ComputerName ${psSingleQuoted(checkCommandValue(spec.computerName, 'ComputerName'))}` : ''}`;
  const backup = [
    `Backup-PhoneFactor -Destination ${psSingleQuoted(spec.destination)} -Retain ${spec.retain}`,
    spec.stopService ? ' -StopService' : '',
    target,
    ' -Confirm:$false',
  ].join('');
  const tryBlock = `try { ('=== ' + (Get-Date -Format o) + '${TASK_RUN_START}') | Out-File -LiteralPath $log -Append -Encoding utf8; Import-Module ` +
    `-Name ${psSingleQuoted(spec.moduleManifest)}; ${backup} *>&1 | Out-File -LiteralPath $log -Append -Encoding utf8; ` +
    `((Get-Date -Format o) + '${TASK_RUN_OK}') | Out-File -LiteralPath $log -Append -Encoding utf8; exit 0 }`;
  const catchBlock = `catch { ((Get-Date -Format o) + '${TASK_RUN_FAILED}' + $_) | Out-File -LiteralPath $log -Append -Encoding utf8; exit 1 }`;
  return [
    `$ErrorActionPreference = 'Stop'`,
    `$log = Join-Path $env:SystemRoot 'Logs\\Software\\MfaServerUpgrade-Backup.log'`,
    `$null = New-Item -ItemType Directory -Force -Path (Split-Path $log)`,
    rotateTaskLog,
    `${tryBlock} ${catchBlock}`,
  ].join('; ');
}

/**
 * The task's log rotates as every log of the tool does (domain/log-rotation.ts): before a run, a log at the size
 * becomes MfaServerUpgrade-Backup-1.log (older ones move up one number, the last is deleted) and the run starts a new
 * file. One statement, no double quotes (the command is one double-quoted argument).
 */
const numbered = (n: string) => `($log -replace '\\.log$', ('-' + ${n} + '.log'))`;
// A rotation that fails (a log held open) must not cost the night's backup: the run then appends to the full log.
const rotateTaskLog =
  `try { if ((Test-Path -LiteralPath $log) -and ((Get-Item -LiteralPath $log).Length -ge ${LOG_ROTATE_BYTES})) { ` +
  `Remove-Item -LiteralPath ${numbered(String(LOG_KEEP_FILES - 1))} -Force -ErrorAction SilentlyContinue; ` +
  `foreach ($i in ${LOG_KEEP_FILES - 2}..1) { if (Test-Path -LiteralPath ${numbered('$i')}) { Move-Item -LiteralPath ${numbered('$i')} ` +
  `-Destination ${numbered('($i + 1)')} -Force } }; Move-Item -LiteralPath $log -Destination ${numbered('1')} -Force } } catch { $null = $_ }`;

/** A value the command line cannot carry safely (see checkTaskDestination) is refused rather than mangled. */
function checkCommandValue(value: string, parameter: string): string {
  if (/["%]/.test(value) || hasControlCharacter(value)) {
    throw new CoreError(
      'TaskDestinationUnsupported',
      `-${parameter} '${value}' contains " , % or a control character, which a scheduled task's command line cannot carry safely.`,
      parameter,
    );
  }
  return value;
}

export function backupTaskArguments(spec: CommandSpec): string {
  return `-NoProfile -NonInteractive -ExecutionPolicy Bypass -Command "${backupTaskCommand(spec)}"`;
}

/** XML 1.0 text and attribute escaping. */
export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** Local date and time without a zone: the trigger follows the server's clock (and its daylight saving changes). */
function startBoundary(date: Date, at: DailyTime): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(at.hours)}:${pad(at.minutes)}:00`;
}

/** The Task Scheduler 1.2 XML of the nightly backup task. */
export function buildBackupTaskXml(spec: BackupTaskSpec & BackupTaskTarget): string {
  const e = xmlEscape;
  const description = `Daily verified backup of PhoneFactor / MFA Server (Backup-PhoneFactor, keeps ${spec.retain}) to ${spec.destination}. ` +
    `Log: ${TASK_LOG_PATH}. Registered by MfaServerUpgrade.`;
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    `<Task version="1.2" xmlns="${TASK_NAMESPACE}">`,
    '  <RegistrationInfo>',
    '    <Author>MfaServerUpgrade</Author>',
    `    <Description>${e(description)}</Description>`,
    `    <URI>${e(spec.taskName)}</URI>`,
    '  </RegistrationInfo>',
    '  <Triggers>',
    '    <CalendarTrigger>',
    `      <StartBoundary>${startBoundary(spec.startDate, spec.at)}</StartBoundary>`,
    '      <Enabled>true</Enabled>',
    '      <ScheduleByDay>',
    '        <DaysInterval>1</DaysInterval>',
    '      </ScheduleByDay>',
    '    </CalendarTrigger>',
    '  </Triggers>',
    '  <Principals>',
    '    <Principal id="Author">',
    `      <UserId>${SYSTEM_SID}</UserId>`,
    '      <RunLevel>HighestAvailable</RunLevel>',
    '    </Principal>',
    '  </Principals>',
    '  <Settings>',
    '    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>',
    '    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>',
    '    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>',
    '    <AllowHardTerminate>true</AllowHardTerminate>',
    '    <StartWhenAvailable>true</StartWhenAvailable>',
    '    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>',
    '    <AllowStartOnDemand>true</AllowStartOnDemand>',
    '    <Enabled>true</Enabled>',
    '    <Hidden>false</Hidden>',
    '    <RunOnlyIfIdle>false</RunOnlyIfIdle>',
    '    <WakeToRun>false</WakeToRun>',
    '    <ExecutionTimeLimit>PT2H</ExecutionTimeLimit>',
    '    <Priority>7</Priority>',
    '  </Settings>',
    '  <Actions Context="Author">',
    '    <Exec>',
    `      <Command>${e(TASK_PROGRAM)}</Command>`,
    `      <Arguments>${e(backupTaskArguments(spec))}</Arguments>`,
    '    </Exec>',
    '  </Actions>',
    '</Task>',
    '',
  ].join('\r\n');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** What a registered backup task says about itself, read back from its XML (Get-PhoneFactorBackupTask). */
export interface RegisteredBackupTask {
  /** HH:mm of the daily trigger; null when the task has no calendar trigger of ours. */
  at: string | null;
  enabled: boolean;
  destination: string | null;
  retain: number | null;
  stopService: boolean;
  modulePath: string | null;
  /** The task runs the command this tool writes (Import-Module, Backup-PhoneFactor): false for a task changed by hand. */
  isOurs: boolean;
}

/** A single-quoted PowerShell literal read back (psSingleQuoted's inverse). */
const quoted = String.raw`'((?:[^'\u2018-\u201B]|['\u2018-\u201B]{2})*)'`;
const unquote = (s: string) => s.replace(/(['\u2018-\u201B])\1/g, '$1');

/** The parts of a task's XML this tool reads back (fast-xml-parser's plain objects; anything may be absent). */
interface TaskXmlShape {
  Task?: {
    Triggers?: { CalendarTrigger?: { StartBoundary?: string } };
    Actions?: { Exec?: { Arguments?: string } };
    Settings?: { Enabled?: string };
  };
}

export function readBackupTaskXml(xml: string): RegisteredBackupTask {
  const parsed = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true }).parse(xml) as TaskXmlShape;
  const task = parsed.Task ?? {};
  // parseTagValue: false keeps every value text; a task with two triggers or actions is not ours (arrays: no match).
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  const boundary = text(task.Triggers?.CalendarTrigger?.StartBoundary);
  const args = text(task.Actions?.Exec?.Arguments);
  const destination = new RegExp(`Backup-PhoneFactor -Destination ${quoted}`).exec(args);
  const module = new RegExp(`Import-Module -Name ${quoted}`).exec(args);
  const retain = /Backup-PhoneFactor -Destination '(?:[^']|'')*' -Retain (\d+)/.exec(args);
  return {
    at: /T(\d\d:\d\d):/.exec(boundary)?.[1] ?? null,
    enabled: text(task.Settings?.Enabled) !== 'false',
    destination: destination ? unquote(destination[1]) : null,
    retain: retain ? Number(retain[1]) : null,
    stopService: / -StopService\b/.test(args),
    modulePath: module ? unquote(module[1]) : null,
    isOurs: destination !== null && module !== null,
  };
}

/** How the task's last run ended, from its log: the last start line and the OK or FAILED line after it. */
export interface TaskLastRun {
  result: 'Succeeded' | 'Failed' | 'Unfinished' | 'NeverRun';
  /** When the last run started (the time its start line carries). */
  startedAt: string | null;
  /** The FAILED line's reason. */
  message: string | null;
}

export function lastTaskRun(logText: string): TaskLastRun {
  const lines = logText.replace(/^\uFEFF/, '').split(/\r?\n/);
  const start = lines.map((l, i) => (l.startsWith('=== ') && l.endsWith(TASK_RUN_START) ? i : -1)).filter((i) => i >= 0).at(-1);
  if (start === undefined) return { result: 'NeverRun', startedAt: null, message: null };
  const startedAt = lines[start].slice(4, lines[start].length - TASK_RUN_START.length);
  for (const line of lines.slice(start + 1)) {
    if (line.includes(TASK_RUN_OK)) return { result: 'Succeeded', startedAt, message: null };
    const failed = line.indexOf(TASK_RUN_FAILED);
    if (failed > 0 && /^\d{4}-\d\d-\d\dT/.test(line)) return { result: 'Failed', startedAt, message: line.slice(failed + TASK_RUN_FAILED.length) };
  }
  // Still running, or ended without a word (killed, the machine stopped).
  return { result: 'Unfinished', startedAt, message: null };
}
