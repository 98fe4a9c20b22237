/**
 * The nightly backup as a scheduled task (Register-/Unregister-PhoneFactorBackupTask): the task's XML comes from
 * domain/backup-task.ts; this registers or removes it on the server, asking ShouldProcess first.
 */
import * as path from 'node:path';
import {
  TASK_LOG_FILE,
  TASK_LOG_PATH,
  buildBackupTaskXml,
  lastTaskRun,
  readBackupTaskXml,
  checkRetain,
  checkTaskModule,
  checkTaskDestination,
  formatDailyTime,
  normalizeTaskName,
  parseDailyTime,
  DEFAULT_TASK_NAME,
} from '../domain/backup-task';
import { openTargetHost, type TargetSelection } from '../host/open-targets';
import type { Host } from '../host/host';
import { CoreError } from '../util/errors';
import type { OperationContext } from '../util/operation-context';

export interface BackupTaskRequest {
  target: TargetSelection;
  /** The lab folder as given (a lab's task backs up that lab server). */
  labPath?: string;
  /** Time of day, HH:mm. */
  at: string;
  taskName?: string;
  destination: string;
  retain?: number;
  stopService: boolean;
  /** Register nothing: return the XML. */
  asXml: boolean;
  /** The manifest of the module the admin ran the command from (the caller's), null when not known. */
  callerModule: string | null;
}

export interface BackupTaskRecord {
  TaskName: string;
  ComputerName: string;
  LabPath: string | null;
  At: string;
  Destination: string;
  Retain: number;
  LogPath: string;
  /** The module the task imports, by the full path of its manifest on the server. */
  ModulePath: string;
  Registered: boolean;
  Xml: string;
}

export interface RemoveBackupTaskRequest {
  target: TargetSelection;
  labPath?: string;
  taskName?: string;
}

export interface RemovedBackupTask {
  TaskName: string;
  ComputerName: string;
  LabPath: string | null;
  Removed: boolean;
}

export async function registerBackupTask(req: BackupTaskRequest, ctx: OperationContext): Promise<BackupTaskRecord[]> {
  // Everything is checked before the host is opened: a wrong -At fails the same way on any target.
  const at = parseDailyTime(req.at);
  const taskName = normalizeTaskName(req.taskName ?? DEFAULT_TASK_NAME);
  const destination = checkTaskDestination(req.destination);
  const retain = checkRetain(req.retain);
  const host = await openTargetHost(req.target);
  // The task imports the module by path: on a remote server the copy this tool keeps there, else the admin's own.
  const moduleManifest = checkTaskModule(host.deployedModuleManifest ?? req.callerModule);
  // A lab's task backs up that lab server (run it to rehearse); a real server's task backs up the server itself.
  const labTarget = req.labPath === undefined ? {} : {
    labPath: host.kind === 'lab' ? path.resolve(req.labPath) : req.labPath,
    computerName: host.computerName,
  };
  const xml = buildBackupTaskXml({ taskName, destination, at, retain, stopService: req.stopService, startDate: new Date(), moduleManifest, ...labTarget });
  const output: BackupTaskRecord = {
    TaskName: taskName,
    ComputerName: host.computerName,
    LabPath: req.labPath ?? null,
    At: formatDailyTime(at),
    Destination: destination,
    Retain: retain,
    LogPath: TASK_LOG_PATH,
    ModulePath: moduleManifest,
    Registered: false,
    Xml: xml,
  };
  if (req.asXml) return [output];

  const existing = await host.getScheduledTask(taskName);
  const done = await ctx.act(
    {
      id: `register-task:${host.computerName.toLowerCase()}:${taskName.toLowerCase()}`,
      target: `${host.computerName}: ${taskName}`,
      description: [
        `${existing === undefined ? 'Register' : 'Replace'} the scheduled task ${taskName}: every day at ${output.At} as SYSTEM`,
        `  Import-Module '${moduleManifest}'; Backup-PhoneFactor -Destination '${destination}' -Retain ${retain}${req.stopService ? ' -StopService' : ''}`,
        `  Log: ${TASK_LOG_PATH}`,
      ].join('\n'),
    },
    async () => {
      await host.registerScheduledTask(taskName, xml);
      return true;
    },
  );
  if (!done) return ctx.dryRun ? [] : [output];
  ctx.log('info', `Registered the scheduled task ${taskName} on ${host.computerName}: daily at ${output.At}, backups to ${destination}, keeping ${retain}.`);
  return [{ ...output, Registered: true }];
}

export async function unregisterBackupTask(req: RemoveBackupTaskRequest, ctx: OperationContext): Promise<RemovedBackupTask[]> {
  const taskName = normalizeTaskName(req.taskName ?? DEFAULT_TASK_NAME);
  const host = await openTargetHost(req.target);
  const output: RemovedBackupTask = { TaskName: taskName, ComputerName: host.computerName, LabPath: req.labPath ?? null, Removed: false };
  if ((await host.getScheduledTask(taskName)) === undefined) {
    ctx.log('warning', `There is no scheduled task ${taskName} on ${host.computerName}; nothing to remove.`);
    return ctx.dryRun ? [] : [output];
  }
  const removed = await ctx.act(
    {
      id: `unregister-task:${host.computerName.toLowerCase()}:${taskName.toLowerCase()}`,
      target: `${host.computerName}: ${taskName}`,
      description: `Remove the scheduled task ${taskName} (backups and log stay)`,
    },
    () => host.unregisterScheduledTask(taskName),
  );
  if (removed === undefined) return ctx.dryRun ? [] : [output];
  if (removed) ctx.log('info', `Removed the scheduled task ${taskName} from ${host.computerName}.`);
  return [{ ...output, Removed: removed }];
}

export interface GetBackupTaskRequest {
  target: TargetSelection;
  labPath?: string;
  taskName?: string;
  /** How many of the log's last lines to return. */
  tail?: number;
}

export interface BackupTaskState {
  TaskName: string;
  ComputerName: string;
  LabPath: string | null;
  At: string | null;
  Enabled: boolean;
  Destination: string | null;
  Retain: number | null;
  StopService: boolean;
  ModulePath: string | null;
  /** How the last run ended, from the task's log (Succeeded, Failed, Unfinished: running or killed, NeverRun). */
  LastResult: TaskLastRunResult;
  LastRunStart: string | null;
  LastMessage: string | null;
  LogPath: string;
  LogTail: string[];
  Xml: string;
}

type TaskLastRunResult = ReturnType<typeof lastTaskRun>['result'];

export const DEFAULT_LOG_TAIL = 20;
/** The end of the log read back: enough for the last run of a nightly backup, bounded whatever the log's size. */
const LOG_TAIL_BYTES = 64 * 1024;

export async function getBackupTask(req: GetBackupTaskRequest): Promise<BackupTaskState[]> {
  const taskName = normalizeTaskName(req.taskName ?? DEFAULT_TASK_NAME);
  const host = await openTargetHost(req.target);
  const xml = await host.getScheduledTask(taskName);
  if (xml === undefined) {
    throw new CoreError(
      'ScheduledTaskNotFound',
      `There is no scheduled task ${taskName} on ${host.computerName}. Register-PhoneFactorBackupTask registers it (-TaskName for another name).`,
      taskName,
    );
  }
  const task = readBackupTaskXml(xml);
  const logText = await readLogEnd(host, TASK_LOG_FILE);
  const last = lastTaskRun(logText);
  const lines = logText.replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '');
  return [{
    TaskName: taskName,
    ComputerName: host.computerName,
    LabPath: req.labPath ?? null,
    At: task.at,
    Enabled: task.enabled,
    Destination: task.destination,
    Retain: task.retain,
    StopService: task.stopService,
    ModulePath: task.modulePath,
    LastResult: last.result,
    LastRunStart: last.startedAt,
    LastMessage: last.message,
    LogPath: TASK_LOG_PATH,
    LogTail: lines.slice(-Math.max(1, req.tail ?? DEFAULT_LOG_TAIL)),
    Xml: xml,
  }];
}

/** The last LOG_TAIL_BYTES of the log ('' when there is none yet); a line cut at the start is dropped. */
async function readLogEnd(host: Host, file: string): Promise<string> {
  const stat = await host.stat(file);
  if (!stat || stat.isDirectory || stat.size === 0) return '';
  const offset = Math.max(0, stat.size - LOG_TAIL_BYTES);
  const text = (await host.readFileRange(file, offset, stat.size - offset)).toString('utf8');
  return offset === 0 ? text : text.slice(text.indexOf('\n') + 1);
}
