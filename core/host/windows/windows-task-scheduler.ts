/**
 * Scheduled tasks through schtasks.exe (started by full path). /Create takes the task XML from a file, written
 * UTF-16LE with a BOM as its `encoding="UTF-16"` declaration says; the file is removed afterwards, whatever happens.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hasControlCharacter } from '../../util/control-characters';
import { CoreError, type ErrorCode } from '../../util/errors';
import type { CommandResult, CommandRunner } from './command-runner';

export interface WindowsTaskSchedulerOptions {
  schtasksExe: string;
  /** Each program run is stopped after this long (see CommandOptions.timeoutMs). */
  commandTimeoutMs: number;
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
      const result = await this.runner.run(
        this.options.schtasksExe,
        ['/Create', '/TN', task, '/XML', file, '/F'],
        { timeoutMs: this.options.commandTimeoutMs },
      );
      if (result.exitCode !== 0) throw failure('ScheduledTaskRegisterFailed', 'Registering', task, result);
    } finally {
      await rm(file, { force: true });
    }
  }

  async unregister(name: string): Promise<boolean> {
    const task = checkTaskName(name);
    const result = await this.runner.run(this.options.schtasksExe, ['/Delete', '/TN', task, '/F'], { timeoutMs: this.options.commandTimeoutMs });
    if (await this.isAbsent(task, result)) return false;
    if (result.exitCode !== 0) throw failure('ScheduledTaskUnregisterFailed', 'Removing', task, result);
    return true;
  }

  async get(name: string): Promise<string | undefined> {
    const task = checkTaskName(name);
    const result = await this.runner.run(this.options.schtasksExe, ['/Query', '/TN', task, '/XML'], { timeoutMs: this.options.commandTimeoutMs });
    if (await this.isAbsent(task, result)) return undefined;
    if (result.exitCode !== 0) throw failure('ScheduledTaskQueryFailed', 'Reading', task, result);
    return result.stdout.replace(/^\uFEFF/, '').trim();
  }

  /**
   * Whether a failed call failed because the task (or its folder) is not there. schtasks says so only in words, in the
   * server's language, with the same exit code as "access denied": an English message answers at once; otherwise the
   * list of every task (`/Query /FO CSV /NH`, whose task paths are never translated) is searched. When that cannot
   * tell, the task counts as present and the caller reports schtasks' own message.
   */
  private async isAbsent(task: string, result: CommandResult): Promise<boolean> {
    if (result.exitCode === 0) return false;
    if (ENGLISH_NOT_FOUND.test(`${result.stderr}\n${result.stdout}`)) return true;
    const listing = await this.runner.run(this.options.schtasksExe, ['/Query', '/FO', 'CSV', '/NH'], { timeoutMs: this.options.commandTimeoutMs });
    if (listing.exitCode !== 0) return false;
    const wanted = (task.startsWith('\\') ? task : `\\${task}`).toLowerCase();
    return !listedTaskPaths(listing.stdout).some((path) => path.toLowerCase() === wanted);
  }
}

/** schtasks' English answer for a missing task or task folder: the quick answer on English servers. */
const ENGLISH_NOT_FOUND = /cannot find the (file|path) specified/i;

/** The first CSV column of each line of `schtasks /Query /FO CSV /NH`: the task's full path. */
function listedTaskPaths(csv: string): string[] {
  const paths: string[] = [];
  for (const line of csv.split(/\r?\n/)) {
    const first = /^"((?:[^"]|"")*)"/.exec(line.trim());
    if (first) paths.push(first[1].replace(/""/g, '"'));
  }
  return paths;
}

/** A name schtasks can take as one argument: `"` would end the argument early. */
function checkTaskName(name: string): string {
  if (name.trim() === '' || name.includes('"') || hasControlCharacter(name)) throw new CoreError(
    'InvalidTaskName',
    `'${name}' is not a usable task name (\\Folder\\Name).`,
    name,
  );
  return name;
}

function failure(code: ErrorCode, verb: string, task: string, result: CommandResult): CoreError {
  const said = (result.stderr.trim() || result.stdout.trim()).replace(/^ERROR:\s*/i, '');
  return new CoreError(
    code,
    `${verb} the scheduled task ${task} failed (schtasks exit code ${result.exitCode}): ${said || 'no message'}`,
    task,
    { exitCode: result.exitCode },
  );
}
