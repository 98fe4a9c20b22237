/**
 * Progress and log events travel to the PowerShell transport as NDJSON on stderr (stdout carries only the envelope).
 * Every message passes the secret redactor first.
 */
import { redactor } from '../util/secrets';
import type { LogLevel } from '../operations/contract';

export type CoreEvent =
  | { event: 'progress'; activity: string; status: string; percent?: number }
  | { event: 'log'; level: LogLevel; message: string };

export type EventSink = (e: CoreEvent) => void;

export const stderrSink: EventSink = (e) => {
  const safe = e.event === 'log' ? { ...e, message: redactor.redact(e.message) } : { ...e, status: redactor.redact(e.status) };
  process.stderr.write(JSON.stringify(safe) + '\n');
};
