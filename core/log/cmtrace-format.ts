/**
 * One CMTrace (ConfigMgr) log line, the format admins open in CMTrace.exe / OneTrace:
 *   <![LOG[message]LOG]!><time="HH:mm:ss.fff+BIAS" date="M-d-yyyy" component="X" context="DOMAIN\user" type="1" thread="PID" file="f">
 *
 * BIAS is written the way ConfigMgr's own logs write it: the Windows time-zone bias in minutes, i.e. UTC minus local
 * time (the value of TIME_ZONE_INFORMATION.Bias and of JavaScript's Date#getTimezoneOffset), with an explicit sign and
 * three digits. So local time UTC+1 gives `-060`, UTC-5 gives `+300`, UTC gives `+000`. CMTrace shows the local time
 * as written and does not apply the bias; the sign matters only to tools that turn entries into UTC
 * (UTC = local time + bias).
 */
export type CmTraceSeverity = 'Info' | 'Warning' | 'Error';

const TYPE_OF: Record<CmTraceSeverity, 1 | 2 | 3> = { Info: 1, Warning: 2, Error: 3 };

export interface CmTraceEntry {
  message: string;
  severity: CmTraceSeverity;
  component: string;
  /** `DOMAIN\user` the process runs as. */
  context: string;
  thread: number;
  file: string;
  /** The moment of the entry. */
  time: Date;
  /** UTC minus local time in minutes at that moment (Date#getTimezoneOffset). */
  biasMinutes: number;
}

/** The closing marker of a message; a message containing it would end the entry early in CMTrace. */
export const MESSAGE_END = ']LOG]!>';
/** What a MESSAGE_END inside a message becomes: same text to a reader, no longer a marker to CMTrace. */
export const MESSAGE_END_NEUTRALISED = ']LOG]!&gt;';

export function formatCmTraceLine(entry: CmTraceEntry): string {
  // Shift by the bias and read the UTC fields: the result is the local wall time, whatever zone this process runs in.
  const local = new Date(entry.time.getTime() - entry.biasMinutes * 60_000);
  const p2 = (n: number) => String(n).padStart(2, '0');
  const time = `${p2(local.getUTCHours())}:${p2(local.getUTCMinutes())}:${p2(local.getUTCSeconds())}.${String(local.getUTCMilliseconds()).padStart(3, '0')}`;
  const bias = `${entry.biasMinutes < 0 ? '-' : '+'}${String(Math.abs(entry.biasMinutes)).padStart(3, '0')}`;
  const date = `${local.getUTCMonth() + 1}-${local.getUTCDate()}-${local.getUTCFullYear()}`;
  return (
    `<![LOG[${neutraliseMessage(entry.message)}]LOG]!>` +
    `<time="${time}${bias}" date="${date}" component="${attribute(entry.component)}" context="${attribute(entry.context)}" ` +
    `type="${TYPE_OF[entry.severity]}" thread="${entry.thread}" file="${attribute(entry.file)}">\r\n`
  );
}

/** Messages may span lines (CMTrace shows them whole); line ends become CRLF like the rest of the file. */
export function neutraliseMessage(message: string): string {
  return message.split(MESSAGE_END).join(MESSAGE_END_NEUTRALISED).replace(/\r?\n|\r/g, '\r\n');
}

/** Attribute values are one line without double quotes, or the entry would not parse. */
function attribute(value: string): string {
  return value.replace(/"/g, "'").replace(/[\r\n]+/g, ' ');
}
