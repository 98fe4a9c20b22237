/**
 * The nightly backup as a scheduled task (Register-/Unregister-PhoneFactorBackupTask): the task's XML comes from
 * domain/backup-task.ts; this registers or removes it on the server, asking ShouldProcess first.
 */
import * as path from 'node:path';
import {
  TASK_LOG_PATH,
  buildBackupTaskXml,
  checkRetain,
  checkTaskModule,
  checkTaskDestination,
  formatDailyTime,
  normalizeTaskName,
  parseDailyTime,
  DEFAULT_TASK_NAME,
} from '../domain/backup-task';
import { openTargetHost, type TargetSelection } from '../host/open-targets';
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
