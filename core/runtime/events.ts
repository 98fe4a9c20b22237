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

/** The event with every known secret value removed from its text. */
export function redactEvent(e: CoreEvent): CoreEvent {
  return e.event === 'log' ? { ...e, message: redactor.redact(e.message) } : { ...e, status: redactor.redact(e.status) };
}

export const stderrSink: EventSink = (e) => {
  process.stderr.write(JSON.stringify(redactEvent(e)) + '\n');
};
