/**
 * `mfa-core --record-stop`: the module's transport saw an upgrade's core end without an answer (killed from outside,
 * or Node.js itself failed) and asks a fresh core to put that on record, since the dead one could not. stdin:
 * `{"journal": "<run folder>\\journal.json", "log": "<CMTrace log>" | null, "cause": "CoreKilled", "detail": "…",
 * "processId": <the dead core's pid>}`, as the dead core announced them (its `run` event).
 *
 * Only a journal no live run holds is written: the run lock must be free or held by the dead process itself. A stop
 * the core already recorded for itself (it said its last words, then was killed) is not recorded twice.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Journal, JOURNAL_FILE_NAME } from '../journal/index';
import { liveRunLockHolder } from '../journal/run-lock';
import { CmTraceLog } from '../log/index';
import { recordStopLater } from '../upgrade';
import { isCoreStopCause } from '../util/core-stop';
import { CoreError } from '../util/errors';
import { EXIT_FAILED, EXIT_OK, toErrorBody, type Envelope } from '../util/envelope';

interface StopRequest {
  journal: string;
  log: string | null;
  cause: 'CoreKilled' | 'Cancelled' | 'TimedOut' | 'CommandFailed';
  detail: string;
  processId: number;
}

export async function recordStopFromTransport(text: string): Promise<[Envelope, number]> {
  try {
    const req = parseStopRequest(text);
    if (await heldByAnotherLiveRun(path.dirname(req.journal), req.processId)) {
      throw new CoreError(
        'RunStopNotRecorded',
        `Another live run holds ${path.dirname(req.journal)}; its journal is not written by this stop record.`,
        req.journal,
      );
    }
    const journal = await Journal.load(req.journal);
    if (journal.stops.some((s) => s.ProcessId === req.processId)) {
      return [{ ok: true, result: [{ Recorded: false, Reason: 'The core recorded its stop itself.' }] }, EXIT_OK];
    }
    const log = req.log ? new CmTraceLog({ path: req.log, component: 'MfaServerUpgrade' }) : undefined;
    const entry = await recordStopLater(journal, log, { cause: req.cause, detail: req.detail, at: new Date() }, 'Module', req.processId);
    return [{ ok: true, result: [{ Recorded: true, Stop: entry }] }, EXIT_OK];
  } catch (e) {
    const err = e instanceof CoreError ? e : new CoreError('RunStopNotRecorded', String((e as Error)?.message ?? e));
    return [{ ok: false, error: toErrorBody(err) }, EXIT_FAILED];
  }
}

function parseStopRequest(text: string): StopRequest {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch {
    throw invalid('it is not JSON');
  }
  const { journal, log, cause, detail, processId } = raw ?? {};
  if (typeof journal !== 'string' || path.basename(journal).toLowerCase() !== JOURNAL_FILE_NAME || !existsSync(journal)) {
    throw invalid('"journal" names no journal.json');
  }
  if (!(log === null || log === undefined || typeof log === 'string')) throw invalid('"log" is neither a path nor null');
  if (!isCoreStopCause(cause) || !['CoreKilled', 'Cancelled', 'TimedOut', 'CommandFailed'].includes(cause)) {
    throw invalid('"cause" is not one the module records');
  }
  if (typeof processId !== 'number' || !Number.isInteger(processId)) throw invalid('"processId" is not a process id');
  return { journal, log: log ?? null, cause: cause as StopRequest['cause'], detail: typeof detail === 'string' ? detail.slice(0, 500) : '', processId };
}

/** The run lock is held by a live process other than the dead core (a run starting counts as live). */
async function heldByAnotherLiveRun(folder: string, deadProcessId: number): Promise<boolean> {
  const holder = await liveRunLockHolder(folder);
  return holder === 'unreadable' || (holder !== undefined && holder.pid !== deadProcessId);
}

function invalid(why: string): CoreError {
  return new CoreError('RunStopNotRecorded', `The stop record request is not valid: ${why}.`, 'stdin');
}
