/**
 * Progress and log events travel to the PowerShell transport as NDJSON on stderr (stdout carries only the envelope).
 * Every message passes the secret redactor first.
 */
import { redactor } from '../util/secrets';
import type { LogLevel } from '../util/operation-context';

export type CoreEvent =
  | { event: 'progress'; activity: string; status: string; percent?: number }
  | { event: 'log'; level: LogLevel; message: string }
  /** An upgrade run's records (OperationContext.announceRun) and the core process that writes them. */
  | { event: 'run'; journal: string; processId: number };

export type EventSink = (e: CoreEvent) => void;

/** The event with every known secret value removed from its text. */
export function redactEvent(e: CoreEvent): CoreEvent {
  if (e.event === 'log') return { ...e, message: redactor.redact(e.message) };
  if (e.event === 'progress') return { ...e, status: redactor.redact(e.status) };
  return e;
}

export const stderrSink: EventSink = (e) => {
  process.stderr.write(JSON.stringify(redactEvent(e)) + '\n');
};
