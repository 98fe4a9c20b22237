/**
 * The verbose log (/l*v) each simulated run appends to, at the lab Windows path the caller asked for.
 * Shaped like a Windows Installer log (start/stop banners, "MSI (s)" lines, the final status line) so
 * tools that grep real logs work on lab logs too. Property values with secret names are masked.
 */
import type { Host } from '../../host';
import { redactor } from '../../../util/secrets';
import { windowsParent } from '../../../util/windows-path';

export class InstallerLog {
  private readonly lines: string[] = [];

  constructor(caller: string) {
    this.lines.push(`=== Verbose logging started: ${stamp(true)}  Build type: SHIP UNICODE 5.00.10011.00  Calling process: ${caller} ===`);
  }

  line(text: string): void {
    this.lines.push(`MSI (s) (LAB) [${stamp(false)}]: ${redactor.redact(text)}`);
  }

  /** The Windows Installer summary line and the stop banner. */
  finish(productName: string, version: string, manufacturer: string, operation: 'installed' | 'removed' | 'configured', exitCode: number): void {
    const ok = exitCode === 0 || exitCode === 3010 || exitCode === 1641;
    const verb = operation === 'installed' ? 'Installation' : operation === 'removed' ? 'Removal' : 'Configuration';
    this.line(`Product: ${productName} -- ${verb} ${ok ? 'completed successfully' : 'failed'}.`);
    this.line(
      `Windows Installer ${operation} the product. Product Name: ${productName}. Product Version: ${version}. ` +
        `Product Language: 1033. Manufacturer: ${manufacturer}. Installation success or error status: ${exitCode}.`,
    );
    this.lines.push(`=== Verbose logging stopped: ${stamp(true)} ===`);
  }

  /** Like the Windows adapter, the log's folder is made before the installer runs (msiexec cannot open a log in a missing one). */
  async appendTo(host: Host, logPath: string): Promise<void> {
    await host.makeDirectory(windowsParent(logPath));
    const existing = (await host.stat(logPath)) ? await host.readFile(logPath) : Buffer.alloc(0);
    await host.writeFileAtomic(logPath, Buffer.concat([existing, Buffer.from(this.lines.join('\r\n') + '\r\n', 'utf8')]));
  }
}

function stamp(withDate: boolean): string {
  const d = new Date();
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const time = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
  return withDate ? `${d.getMonth() + 1}/${d.getDate()}/${d.getFullYear()}  ${time}` : `${time}:${p(d.getMilliseconds(), 3)}`;
}
