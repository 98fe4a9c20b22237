/**
 * `mfa-core --record-stop`: the module's transport saw an upgrade's (or an Undo's) core end without an answer (killed from outside,
 * or Node.js itself failed) and asks a fresh core to put that on record, since the dead one could not. stdin, exactly:
 * `{"journal": "<run folder>\\journal.json", "cause": "CoreKilled", "detail": "…", "processId": <the dead core's pid>}`,
 * as the dead core announced them (its `run` event).
 *
 * Anyone who can start node can send this, so nothing in it is trusted beyond naming the run:
 * - the stop goes only to the run of a core that is dead and still holds the run lock (a killed core cannot release
 *   it): a run that released its lock ended on its own and recorded how; a live process is not dead;
 * - a completed run takes no stop;
 * - the log line goes into the run's own log as its journal records it (runLogOf), never into a file the request names;
 * - a stop the core already recorded for itself (it said its last words, then was killed) is not recorded twice.
 */
import * as path from 'node:path';
import { Journal, JOURNAL_FILE_NAME } from '../journal/index';
import { UNDO_JOURNAL_FILE_NAME } from '../journal/journal-types';
import { runLockHolder } from '../journal/run-lock';
import { CmTraceLog } from '../log/index';
import { recordStopLater, runLogOf } from '../upgrade';
import { CoreError } from '../util/errors';
import { EXIT_FAILED, EXIT_OK, toErrorBody, type Envelope } from '../util/envelope';

const CAUSES = ['CoreKilled', 'Cancelled', 'TimedOut', 'CommandFailed'] as const;
const FIELDS = ['journal', 'cause', 'detail', 'processId'];
const MAX_DETAIL = 500;

interface StopRequest {
  journal: string;
  cause: (typeof CAUSES)[number];
  detail: string;
  processId: number;
}

export async function recordStopFromTransport(text: string): Promise<[Envelope, number]> {
  try {
    const req = parseStopRequest(text);
    const journal = await Journal.load(req.journal);
    const notHere = await whyNoStop(journal, req);
    if (notHere) return [{ ok: true, result: [{ Recorded: false, Reason: notHere }] }, EXIT_OK];
    const logPath = runLogOf(journal);
    const log = logPath ? new CmTraceLog({ path: logPath, component: 'MfaServerUpgrade' }) : undefined;
    const entry = await recordStopLater(journal, log, { cause: req.cause, detail: req.detail, at: new Date() }, 'Module', req.processId);
    return [{ ok: true, result: [{ Recorded: true, Stop: entry, LogPath: logPath }] }, EXIT_OK];
  } catch (e) {
    const err = e instanceof CoreError ? e : new CoreError('RunStopNotRecorded', String((e as Error)?.message ?? e));
    return [{ ok: false, error: toErrorBody(err) }, EXIT_FAILED];
  }
}

/** Why this journal takes no stop from this request (nothing to record), or null when it does; throws when it must not. */
async function whyNoStop(journal: Journal, req: StopRequest): Promise<string | null> {
  if (journal.status === 'Completed') return 'The run had completed: a completed run takes no stop.';
  const folder = path.dirname(req.journal);
  const lock = await runLockHolder(folder);
  if (lock === 'unreadable') {
    throw new CoreError('RunStopNotRecorded', `A run is starting in ${folder}; its journal is not written by this stop record.`, req.journal);
  }
  if (lock === 'none') return `The run had released its run lock in ${folder}: it ended on its own and recorded how.`;
  if (lock.owner.pid !== req.processId) return `The run lock in ${folder} names process ${lock.owner.pid}, not ${req.processId}: that core is not this run's.`;
  if (lock.alive) {
    const why = `Process ${req.processId} still runs (or runs on another machine): a live run's journal is not written by a stop record.`;
    throw new CoreError('RunStopNotRecorded', why, req.journal);
  }
  if (journal.stops.some((s) => s.ProcessId === req.processId)) return 'The core recorded its stop itself.';
  return null;
}

function parseStopRequest(text: string): StopRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw invalid('it is not JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('it is not an object');
  const given = raw as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !FIELDS.includes(k));
  // "log" among them: the log is the run's own, read from its journal, never named by the caller.
  if (unknown.length > 0) throw invalid(`${unknown.map((k) => `"${k}"`).join(', ')} is not a field of it (the fields: ${FIELDS.join(', ')})`);
  const { journal, cause, detail, processId } = given;
  // An upgrade's journal, or an Undo's (Undo-MfaServerUpgrade announces its own the same way).
  const names = [JOURNAL_FILE_NAME, UNDO_JOURNAL_FILE_NAME];
  if (typeof journal !== 'string' || !path.isAbsolute(journal) || !names.includes(path.basename(journal).toLowerCase())) {
    throw invalid(`"journal" is not the full path of a ${names.join(' or ')}`);
  }
  if (typeof cause !== 'string' || !(CAUSES as readonly string[]).includes(cause)) {
    throw invalid(`"cause" is not one the module records (${CAUSES.join(', ')})`);
  }
  if (detail !== undefined && typeof detail !== 'string') throw invalid('"detail" is not text');
  if (typeof processId !== 'number' || !Number.isInteger(processId) || processId <= 0) throw invalid('"processId" is not a process id');
  return { journal, cause: cause as StopRequest['cause'], detail: (detail ?? '').slice(0, MAX_DETAIL), processId };
}

function invalid(why: string): CoreError {
  return new CoreError('RunStopNotRecorded', `The stop record request is not valid: ${why}.`, 'stdin');
}

