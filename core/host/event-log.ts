/**
 * What an Application event log entry may be, checked the same way by every adapter (the lab is never kinder than
 * Windows): eventcreate.exe takes event ids 1 to 1000, and its description is one line. Longer messages are cut, with
 * a note, rather than refused: an event that says less is better than none.
 */
import { CoreError } from '../util/errors';
import { hasControlCharacter } from '../util/control-characters';
import type { EventLogEntry } from './host';

/** eventcreate's description limit is not documented; this keeps an entry readable in Event Viewer's preview [?]. */
export const EVENT_MESSAGE_MAX = 4000;

export function checkEventLogEntry(entry: EventLogEntry): EventLogEntry {
  if (!Number.isInteger(entry.eventId) || entry.eventId < 1 || entry.eventId > 1000) {
    throw new CoreError('EventLogWriteFailed', `Event id ${entry.eventId} is not one eventcreate.exe accepts (1 to 1000).`, entry.source);
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/.test(entry.source)) {
    throw new CoreError('EventLogWriteFailed', `'${entry.source}' is not an event source name (letters, digits, blank, . _ -).`, entry.source);
  }
  const oneLine = entry.message.replace(/\r?\n|\r/g, ' ');
  const message = hasControlCharacter(oneLine) ? oneLine.replace(/\p{Cc}/gu, ' ') : oneLine;
  return { ...entry, message: message.length > EVENT_MESSAGE_MAX ? `${message.slice(0, EVENT_MESSAGE_MAX - 20)} ... (cut)` : message };
}
