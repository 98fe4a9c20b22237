/**
 * Why this file: Windows Installer on the local server: msiexec run directly so its exit code reaches host/msiexec-
 * exit-codes.ts unchanged.
 */
import { win32 } from 'node:path';
import type { MsiexecRequest, MsiexecResult, SetupRequest } from '../host';
import { MSIEXEC_INSTALL_IN_PROGRESS } from '../msiexec-exit-codes';
import { CoreError } from '../../util/errors';
import { isSecretName, redactor } from '../../util/secrets';
import { renderCommandLine, type CommandOptions, type CommandRunner } from './command-runner';
import { buildMsiexecArguments, maskSecretArguments } from './msiexec-command-line';
import type { Clock } from './timing';

export interface WindowsInstallerOptions {
  msiexecExe: string;
  clock: Clock;
  /** Total time to keep retrying while another installation holds Windows Installer (exit 1618). */
  busyTimeoutMs: number;
  /** Pause between two attempts while Windows Installer is busy. */
  busyRetryMs: number;
  /** Stop an installer that runs longer than this. */
  installerTimeoutMs: number;
  /** Creates a folder (and its parents); msiexec fails with 1622 when the log folder is missing. */
  makeDirectory: (path: string) => Promise<void>;
}

/** msiexec.exe spawned directly, so its exit code is the installer's own. */
export class WindowsInstaller {
  constructor(
    private readonly runner: CommandRunner,
    private readonly options: WindowsInstallerOptions,
  ) {}

  async runMsiexec(request: MsiexecRequest): Promise<MsiexecResult> {
    const { args, display } = buildMsiexecArguments(request);
    if (request.operation === 'install') {
      for (const [name, value] of Object.entries(request.properties)) if (isSecretName(name)) redactor.register(value);
    }
    const commandLine = renderCommandLine(this.options.msiexecExe, display, { verbatimArguments: true });
    const runOptions: CommandOptions = { verbatimArguments: true, timeoutMs: this.options.installerTimeoutMs, display: commandLine };
    await this.options.makeDirectory(win32.dirname(request.logPath));
    const target = request.operation === 'install' ? request.packagePath : request.productCode;
    const exitCode = await this.untilNotBusy(target, commandLine, () => this.runner.run(this.options.msiexecExe, args, runOptions));
    return { exitCode, commandLine };
  }

  async runSetup(request: SetupRequest): Promise<MsiexecResult> {
    const commandLine = renderCommandLine(request.path, maskSecretArguments(request.arguments));
    const runOptions: CommandOptions = { timeoutMs: this.options.installerTimeoutMs, display: commandLine };
    await this.options.makeDirectory(win32.dirname(request.logPath));
    const exitCode = await this.untilNotBusy(request.path, commandLine, () => this.runner.run(request.path, request.arguments, runOptions));
    return { exitCode, commandLine };
  }

  /**
   * Exit 1618 means another installation (Windows Update, a ConfigMgr deployment) holds Windows Installer.
   * Retry within busyTimeoutMs, then give up with InstallerBusy rather than wait forever.
   */
  private async untilNotBusy(target: string, commandLine: string, attempt: () => Promise<{ exitCode: number }>): Promise<number> {
    const { clock, busyTimeoutMs, busyRetryMs } = this.options;
    const deadline = clock.now() + busyTimeoutMs;
    let attempts = 0;
    for (;;) {
      attempts++;
      const { exitCode } = await attempt();
      if (exitCode !== MSIEXEC_INSTALL_IN_PROGRESS) return exitCode;
      if (clock.now() + busyRetryMs > deadline) {
        throw new CoreError(
          'InstallerBusy',
          `Another installation kept Windows Installer busy for ${Math.round(busyTimeoutMs / 1000)} s (${attempts} attempts, exit code 1618). ` +
            'Let it finish (or restart the server) and run this step again.',
          target,
          { exitCode, attempts, commandLine },
        );
      }
      await clock.sleep(busyRetryMs);
    }
  }
}
