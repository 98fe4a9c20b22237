/**
 * A CMTrace-format log file: UTF-8 with a BOM at the start of each new file, appended one entry at a time, rotated
 * at about 10 MB keeping about 10 files. Every message goes through the secret redactor first.
 *
 * Rotation naming (the same for every log of the tool, domain/log-rotation.ts): `Name.log` is always the current file;
 * when it is full it becomes `Name-1.log`, the previous `Name-1.log` becomes `Name-2.log`, and so on; the oldest beyond
 * `maxFiles` is deleted. (ConfigMgr's own `.lo_` keeps a single history file; numbered names keep several and still
 * open in CMTrace as .log files.)
 *
 * Writes are synchronous on purpose: a line is on disk before the step it describes goes on, and a process killed
 * mid-upgrade keeps its last words.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { redactor } from '../util/secrets';
import { processAccount } from '../util/caller-facts';
import { LOG_KEEP_FILES, LOG_ROTATE_BYTES } from '../domain/log-rotation';
import { formatCmTraceLine, type CmTraceSeverity } from './cmtrace-format';

/** The rotation every log of the tool follows (domain/log-rotation.ts). */
export const DEFAULT_MAX_BYTES = LOG_ROTATE_BYTES;
export const DEFAULT_MAX_FILES = LOG_KEEP_FILES;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export interface CmTraceLogOptions {
  /** The current log file, e.g. `C:\Windows\Logs\Software\MfaServerUpgrade.log`. */
  path: string;
  /** Default `component` attribute (the operation or module part writing). */
  component: string;
  /** `DOMAIN\user`; defaults to the account this process runs as. */
  context?: string;
  /** Defaults to the process id (one process per core call). */
  thread?: number;
  /** Default `file` attribute. */
  file?: string;
  /** Rotate before a line would take the file past this size. */
  maxBytes?: number;
  /** Files kept in all, the current one included. */
  maxFiles?: number;
  clock?: () => Date;
  /** UTC minus local time in minutes at a moment; defaults to the local zone (Date#getTimezoneOffset). */
  biasMinutes?: (at: Date) => number;
  /** Defaults to the process-wide redactor. */
  redact?: (text: string) => string;
}

export interface CmTraceWriteOptions {
  component?: string;
  file?: string;
}

export class CmTraceLog {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly context: string;
  private folderReady = false;

  constructor(private readonly options: CmTraceLogOptions) {
    this.path = options.path;
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_MAX_BYTES);
    this.maxFiles = Math.max(1, Math.floor(options.maxFiles ?? DEFAULT_MAX_FILES));
    this.context = options.context ?? processAccount();
  }

  info(message: string, options?: CmTraceWriteOptions): void {
    this.write(message, 'Info', options);
  }

  warning(message: string, options?: CmTraceWriteOptions): void {
    this.write(message, 'Warning', options);
  }

  error(message: string, options?: CmTraceWriteOptions): void {
    this.write(message, 'Error', options);
  }

  write(message: string, severity: CmTraceSeverity = 'Info', options: CmTraceWriteOptions = {}): void {
    const redact = this.options.redact ?? ((t: string) => redactor.redact(t));
    const time = (this.options.clock ?? (() => new Date()))();
    const line = formatCmTraceLine({
      message: redact(message),
      severity,
      component: redact(options.component ?? this.options.component),
      context: this.context,
      thread: this.options.thread ?? process.pid,
      file: redact(options.file ?? this.options.file ?? ''),
      time,
      biasMinutes: (this.options.biasMinutes ?? ((d: Date) => d.getTimezoneOffset()))(time),
    });
    this.append(Buffer.from(line, 'utf8'));
  }

  /** The files of this log, newest first: `Name.log`, `Name-1.log`, … (only those that exist). */
  files(): string[] {
    return [this.path, ...Array.from({ length: this.maxFiles - 1 }, (_, i) => this.rotatedName(i + 1))].filter((f) => existsSync(f));
  }

  private append(bytes: Buffer): void {
    if (!this.folderReady) {
      mkdirSync(path.dirname(this.path), { recursive: true });
      this.folderReady = true;
    }
    let fd = openSync(this.path, 'a');
    try {
      let size = fstatSync(fd).size;
      if (size > 0 && size + bytes.length > this.maxBytes) {
        closeSync(fd);
        this.rotate();
        fd = openSync(this.path, 'a');
        size = 0;
      }
      // A new (or emptied) file starts with the BOM; appends never repeat it.
      writeSync(fd, size === 0 ? Buffer.concat([BOM, bytes]) : bytes);
    } finally {
      closeSync(fd);
    }
  }

  private rotate(): void {
    if (this.maxFiles === 1) {
      rmSync(this.path, { force: true });
      return;
    }
    rmSync(this.rotatedName(this.maxFiles - 1), { force: true });
    for (let i = this.maxFiles - 2; i >= 1; i--) {
      const from = this.rotatedName(i);
      if (existsSync(from)) renameSync(from, this.rotatedName(i + 1));
    }
    renameSync(this.path, this.rotatedName(1));
  }

  private rotatedName(n: number): string {
    const ext = path.extname(this.path);
    return path.join(path.dirname(this.path), `${path.basename(this.path, ext)}-${n}${ext}`);
  }
}
