import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderCommandLine, type CommandOptions, type CommandResult, type CommandRunner } from '../../../../core/host/windows/command-runner';
import type { Clock } from '../../../../core/host/windows/timing';

/** One expected program run: the exact command line Windows would receive, and what the program answered. */
export interface RecordedCommand {
  commandLine: string;
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /** What the real program would also have done (reg export writes a file). */
  effect?: (args: string[]) => Promise<void> | void;
}

/**
 * A CommandRunner that checks each command line, in order, against a script and replays recorded output.
 * A different or unexpected command fails with an assertion diff; assertAllRan() catches commands never issued.
 */
export class RecordedCommandRunner implements CommandRunner {
  readonly issued: string[] = [];
  private next = 0;

  constructor(private readonly script: RecordedCommand[]) {}

  async run(file: string, args: string[], options?: CommandOptions): Promise<CommandResult> {
    const actual = renderCommandLine(file, args, options);
    this.issued.push(actual);
    const index = this.next;
    const expected = this.script[index];
    if (!expected) {
      throw new assert.AssertionError({
        message: `Unexpected command #${index + 1} (only ${this.script.length} were recorded):\n  ${actual}`,
        actual,
        expected: undefined,
        operator: 'strictEqual',
      });
    }
    if (actual !== expected.commandLine) {
      throw new assert.AssertionError({
        message: `Command #${index + 1} differs from the recording:\n  expected: ${expected.commandLine}\n  actual:   ${actual}`,
        actual,
        expected: expected.commandLine,
        operator: 'strictEqual',
      });
    }
    this.next++;
    await expected.effect?.(args);
    return { exitCode: expected.exitCode ?? 0, stdout: expected.stdout ?? '', stderr: expected.stderr ?? '' };
  }

  assertAllRan(): void {
    const missing = this.script.slice(this.next).map((c) => `  ${c.commandLine}`);
    assert.equal(missing.length, 0, `Recorded commands never issued:\n${missing.join('\n')}`);
  }
}

/** A clock that only moves when the code under test sleeps. */
export class FakeClock implements Clock {
  current = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.current;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.current += ms;
  }
}

export const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'windows');

export function fixture(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export const REG = 'C:\\Windows\\System32\\reg.exe';
export const SC = 'C:\\Windows\\System32\\sc.exe';
export const MSIEXEC = 'C:\\Windows\\System32\\msiexec.exe';
