/** Why this file: the Host port's registry methods through reg.exe, both views (32/64-bit) addressed explicitly. */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistryKey, RegistryValue, RegistryView } from '../host';
import { CoreError, isCoreError, type ErrorCode } from '../../util/errors';
import { decodeRegFileBytes, readExport } from '../registry-file';
import type { CommandResult, CommandRunner } from './command-runner';
import { parseRegQueryKey } from './reg-query-output';
import { checkRegistryKeyPath } from './registry-key-path';
import { checkRegistryValue } from '../registry-value';

export interface WindowsRegistryOptions {
  /** Full path of reg.exe (never looked up on PATH). */
  regExe: string;
  /** Each program run is stopped after this long (see CommandOptions.timeoutMs). */
  commandTimeoutMs: number;
  /** Folder for `reg export` output files. */
  tempDirectory: string;
  /** Unique part of temp file names (injectable so tests know the exact command line). */
  randomId: () => string;
}

/** reg.exe's English message for a missing key or value: the quick answer on English servers. */
const ENGLISH_NOT_FOUND = /unable to find/i;

/** `/reg:32` and `/reg:64` select the view whatever the bitness of this process (KEY_WOW64_32KEY/64KEY). */
function viewSwitch(view: RegistryView): string {
  return `/reg:${view}`;
}

function failure(code: ErrorCode, what: string, key: string, view: RegistryView, result: CommandResult): CoreError {
  const said = (result.stderr || result.stdout).trim();
  return new CoreError(code, `${what} ${key} (${view}-bit view) failed: reg.exe exited with ${result.exitCode}${said ? `: ${said}` : ''}.`, key, {
    view,
    exitCode: result.exitCode,
  });
}

/** reg.exe's /d text for a value (see `reg add /?`). */
function dataArgument(value: RegistryValue): string {
  checkRegistryValue(value);
  const { type, data } = value;
  switch (type) {
    case 'REG_SZ':
    case 'REG_EXPAND_SZ':
    case 'REG_BINARY':
      return type === 'REG_BINARY' ? String(data).replace(/,/g, '') : String(data);
    case 'REG_DWORD':
    case 'REG_QWORD':
      return String(data);
    case 'REG_MULTI_SZ':
      // reg.exe splits on the literal separator \0; a string that contains it cannot be written faithfully.
      if ((data as string[]).some((s) => s.includes('\\0'))) {
        throw new CoreError(
          'InvalidRegistryValue',
          `Registry value "${value.name}" of type ${type} cannot hold ${JSON.stringify(data)} through reg.exe.`,
          value.name,
        );
      }
      return (data as string[]).join('\\0');
  }
}

/** The registry through reg.exe: one process per call, both views addressed explicitly. */
export class WindowsRegistry {
  constructor(
    private readonly runner: CommandRunner,
    private readonly options: WindowsRegistryOptions,
  ) {}

  async getKey(key: string, view: RegistryView): Promise<RegistryKey | undefined> {
    const path = checkRegistryKeyPath(key);
    const result = await this.runner.run(this.options.regExe, ['query', path, viewSwitch(view)], { timeoutMs: this.options.commandTimeoutMs });
    if (await this.isAbsent(path, view, result)) return undefined;
    if (result.exitCode !== 0) throw failure('RegistryReadFailed', 'Reading', path, view, result);
    const { values, subkeys } = parseRegQueryKey(result.stdout, path);
    // reg query prints in the console's code page, which the output does not name: text beyond ASCII (a path with an
    // accent) may come out wrong. Such a key is read again from an export, which is UTF-16 and exact.
    if (/[\u0080-\uFFFF]/.test(result.stdout)) {
      const exact = await this.readKeyExactly(key, path, view);
      if (exact !== 'unreadable') return exact;
    }
    return { path: key, values, subkeys };
  }

  /**
   * The key from `reg export`: undefined when it was removed meanwhile, 'unreadable' when the export holds something
   * our .reg reader does not take (a REG_NONE value, say; the caller then keeps what reg query showed).
   */
  private async readKeyExactly(key: string, path: string, view: RegistryView): Promise<RegistryKey | undefined | 'unreadable'> {
    try {
      const exported = readExport(await this.exportKey(path, view), `the export of ${path} (${view}-bit view)`);
      if (!exported) return 'unreadable';
      return { path: key, values: exported.tree.getKey(exported.rootPath)?.values ?? [], subkeys: exported.tree.subkeyNames(exported.rootPath) };
    } catch (error) {
      if (isCoreError(error) && error.code === 'RegistryKeyNotFound') return undefined;
      if (isCoreError(error) && error.code === 'RegistryFileMalformed') return 'unreadable';
      throw error;
    }
  }

  async setValue(key: string, view: RegistryView, value: RegistryValue): Promise<void> {
    const path = checkRegistryKeyPath(key);
    const nameArgs = value.name === '' ? ['/ve'] : ['/v', value.name];
    const args = ['add', path, ...nameArgs, '/t', value.type, '/d', dataArgument(value), '/f', viewSwitch(view)];
    const result = await this.runner.run(this.options.regExe, args, { timeoutMs: this.options.commandTimeoutMs });
    if (result.exitCode !== 0) throw failure('RegistryWriteFailed', `Writing value "${value.name}" of`, path, view, result);
  }

  /** Deleting a key that is already gone succeeds: a resumed upgrade may repeat the step. */
  async deleteKey(key: string, view: RegistryView): Promise<void> {
    const path = checkRegistryKeyPath(key);
    const result = await this.runner.run(this.options.regExe, ['delete', path, '/f', viewSwitch(view)], { timeoutMs: this.options.commandTimeoutMs });
    if (await this.isAbsent(path, view, result)) return;
    if (result.exitCode !== 0) throw failure('RegistryWriteFailed', 'Deleting', path, view, result);
  }

  /** The text of the file `reg export` writes (UTF-16LE with a BOM), decoded; the temp file is removed afterwards. */
  async exportKey(key: string, view: RegistryView): Promise<string> {
    const path = checkRegistryKeyPath(key);
    const file = join(this.options.tempDirectory, `mfa-reg-export-${this.options.randomId()}.reg`);
    try {
      const result = await this.runner.run(this.options.regExe, ['export', path, file, '/y', viewSwitch(view)], { timeoutMs: this.options.commandTimeoutMs });
      if (await this.isAbsent(path, view, result)) {
        throw new CoreError('RegistryKeyNotFound', `Registry key ${path} does not exist in the ${view}-bit view; nothing to export.`, path, { view });
      }
      if (result.exitCode !== 0) throw failure('RegistryExportFailed', 'Exporting', path, view, result);
      return decodeRegFileBytes(await readFile(file));
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * Whether a failed reg.exe call failed because the key is not there. reg.exe says so only in words, in the server's
   * language, with the same exit code as "access denied". So an English message answers at once; any other exit-1
   * message is checked by asking the parent key whether it lists the key (key names are never translated). When that
   * cannot tell, the key counts as present, and the caller reports reg.exe's own message: an unreadable key is never
   * taken for a missing one.
   */
  private async isAbsent(path: string, view: RegistryView, result: CommandResult): Promise<boolean> {
    if (result.exitCode !== 1) return false;
    if (ENGLISH_NOT_FOUND.test(result.stderr + result.stdout)) return true;
    return !(await this.mayExist(path, view));
  }

  /** False only when the parent key is read and does not list this key (or the parent itself is known absent). */
  private async mayExist(path: string, view: RegistryView): Promise<boolean> {
    const cut = path.lastIndexOf('\\');
    if (cut < 0) return true; // a hive root (HKLM) is always there
    const parent = path.slice(0, cut);
    const name = path.slice(cut + 1).toLowerCase();
    const result = await this.runner.run(this.options.regExe, ['query', parent, viewSwitch(view)], { timeoutMs: this.options.commandTimeoutMs });
    if (result.exitCode === 0) {
      try {
        return parseRegQueryKey(result.stdout, parent).subkeys.some((s) => s.toLowerCase() === name);
      } catch {
        return true; // a parent with a value we cannot read still cannot tell us the key is missing
      }
    }
    return !(await this.isAbsent(parent, view, result));
  }
}
