/**
 * Scheduled tasks through schtasks.exe (started by full path). /Create takes the task XML from a file, written
 * UTF-16LE with a BOM as its `encoding="UTF-16"` declaration says; the file is removed afterwards, whatever happens.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CoreError } from '../../util/errors';
import type { CommandResult, CommandRunner } from './command-runner';

export interface WindowsTaskSchedulerOptions {
  schtasksExe: string;
  tempDirectory: string;
  randomId: () => string;
}

export class WindowsTaskScheduler {
  constructor(
    private readonly runner: CommandRunner,
    private readonly options: WindowsTaskSchedulerOptions,
  ) {}

  async register(name: string, xml: string): Promise<void> {
    const task = checkTaskName(name);
    const file = join(this.options.tempDirectory, `mfa-task-${this.options.randomId()}.xml`);
    try {
      await writeFile(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]));
      const result = await this.runner.run(this.options.schtasksExe, ['/Create', '/TN', task, '/XML', file, '/F']);
      if (result.exitCode !== 0) throw failure('ScheduledTaskRegisterFailed', 'Registering', task, result);
    } finally {
      await rm(file, { force: true });
    }
  }

  async unregister(name: string): Promise<boolean> {
    const task = checkTaskName(name);
    const result = await this.runner.run(this.options.schtasksExe, ['/Delete', '/TN', task, '/F']);
    if (isNotFound(result)) return false;
    if (result.exitCode !== 0) throw failure('ScheduledTaskUnregisterFailed', 'Removing', task, result);
    return true;
  }

  async get(name: string): Promise<string | undefined> {
    const task = checkTaskName(name);
    const result = await this.runner.run(this.options.schtasksExe, ['/Query', '/TN', task, '/XML']);
    if (isNotFound(result)) return undefined;
    if (result.exitCode !== 0) throw failure('ScheduledTaskQueryFailed', 'Reading', task, result);
    return result.stdout.replace(/^\uFEFF/, '').trim();
  }
}

/** schtasks answers a missing task (or task folder) with exit code 1 and one of these lines (English Windows). */
function isNotFound(result: CommandResult): boolean {
  return result.exitCode !== 0 && /cannot find the (file|path) specified/i.test(`${result.stderr}\n${result.stdout}`);
}

/** A name schtasks can take as one argument: `"` would end the argument early. */
function checkTaskName(name: string): string {
  if (name.trim() === '' || /["\x00-\x1f]/.test(name)) throw new CoreError('InvalidTaskName', `'${name}' is not a usable task name (\\Folder\\Name).`, name);
  return name;
}

function failure(code: string, verb: string, task: string, result: CommandResult): CoreError {
  const said = (result.stderr.trim() || result.stdout.trim()).replace(/^ERROR:\s*/i, '');
  return new CoreError(code, `${verb} the scheduled task ${task} failed (schtasks exit code ${result.exitCode}): ${said || 'no message'}`, task, { exitCode: result.exitCode });
}
