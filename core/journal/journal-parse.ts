/** Read journal.json back, refusing anything that is not a journal this version wrote (JournalCorrupt). */
import { dirname } from 'node:path';
import { CoreError } from '../util/errors';
import { parseRecordJson } from '../util/json-syntax';
import { isCoreStopCause } from '../util/core-stop';
import { JOURNAL_FORMAT_VERSION, RUN_STATUSES, STEP_STATUSES, STOP_RECORDERS, type JournalDocument, type JournalStep } from './journal-types';

export function parseJournal(text: string, file: string): JournalDocument {
  const doc = parseRecordJson(text, (why) => corrupt(file, why));
  if (!isObject(doc)) throw corrupt(file, 'it does not hold a JSON object');
  if (doc.FormatVersion !== JOURNAL_FORMAT_VERSION) {
    throw corrupt(file, `its format version is ${JSON.stringify(doc.FormatVersion)}, this module reads version ${JOURNAL_FORMAT_VERSION}`);
  }
  for (const key of ['RunId', 'CreatedAt', 'UpdatedAt'] as const) {
    if (typeof doc[key] !== 'string') throw corrupt(file, `${key} is missing`);
  }
  if (!RUN_STATUSES.includes(doc.Status as never)) throw corrupt(file, `its Status ${JSON.stringify(doc.Status)} is unknown`);
  if (!isObject(doc.Meta) || !isFlat(doc.Meta)) throw corrupt(file, 'Meta is missing or holds more than text, numbers and true/false');
  if (typeof doc.PlanSha256 !== 'string' || !/^[0-9a-f]{64}$/.test(doc.PlanSha256)) throw corrupt(file, 'PlanSha256 is not the SHA-256 of a plan');
  if (!Array.isArray(doc.Servers) || doc.Servers.length === 0) throw corrupt(file, 'Servers is missing');
  doc.Servers.forEach((s, i) => {
    if (!isObject(s) || typeof s.ComputerName !== 'string' || !(s.MachineId === null || typeof s.MachineId === 'string') || !isObject(s.Found)) {
      throw corrupt(file, `server ${i + 1} lacks its ComputerName, MachineId or Found`);
    }
  });
  if (!Array.isArray(doc.Replans) || !doc.Replans.every((r) => isObject(r) && isFlat(r))) throw corrupt(file, 'Replans is missing');
  if (!Array.isArray(doc.Steps)) throw corrupt(file, 'Steps is missing');
  const ids = new Set<string>();
  doc.Steps.forEach((s, i) => {
    const problem = stepProblem(s);
    if (problem) throw corrupt(file, `step ${i + 1} ${problem}`);
    const id = (s as JournalStep).Id;
    if (ids.has(id)) throw corrupt(file, `step ${id} appears twice`);
    ids.add(id);
  });
  // Stops came after FormatVersion 2 was first written: a journal without them has none on record.
  if (doc.Stops === undefined) doc.Stops = [];
  if (!Array.isArray(doc.Stops)) throw corrupt(file, 'Stops is not a list');
  doc.Stops.forEach((s, i) => {
    const problem = stopProblem(s);
    if (problem) throw corrupt(file, `stop ${i + 1} ${problem}`);
  });
  // Runs came later too: a journal without them has no run on record (who ran it is not known).
  if (doc.Runs === undefined) doc.Runs = [];
  if (!Array.isArray(doc.Runs)) throw corrupt(file, 'Runs is not a list');
  doc.Runs.forEach((r, i) => {
    const problem = runProblem(r);
    if (problem) throw corrupt(file, `run ${i + 1} ${problem}`);
  });
  return doc as unknown as JournalDocument;
}

function stepProblem(s: unknown): string | null {
  if (!isObject(s)) return 'is not an object';
  for (const key of ['Id', 'Action', 'ComputerName', 'Kind'] as const) if (typeof s[key] !== 'string') return `has no ${key}`;
  if (typeof s.Order !== 'number' || typeof s.Attempts !== 'number') return 'has no Order or Attempts';
  if (!STEP_STATUSES.includes(s.Status as never)) return `has an unknown Status ${JSON.stringify(s.Status)}`;
  for (const key of ['StartedAt', 'EndedAt', 'Outcome'] as const) if (!(s[key] === null || typeof s[key] === 'string')) return `has a ${key} that is neither ` +
    `text nor null`;
  if (!(s.DurationMs === null || typeof s.DurationMs === 'number')) return 'has a DurationMs that is neither a number nor null';
  if (!isObject(s.Data) || !isFlat(s.Data)) return 'has no Data, or Data holds more than text, numbers and true/false';
  return null;
}

export function stopProblem(s: unknown): string | null {
  if (!isObject(s)) return 'is not an object';
  if (typeof s.At !== 'string' || Number.isNaN(Date.parse(s.At))) return 'has no time (At)';
  if (!isCoreStopCause(s.Cause)) return `has an unknown Cause ${JSON.stringify(s.Cause)}`;
  if (typeof s.Detail !== 'string') return 'has no Detail';
  if (!(s.Step === null || typeof s.Step === 'string')) return 'has a Step that is neither text nor null';
  if (!STOP_RECORDERS.includes(s.RecordedBy as never)) return `has an unknown RecordedBy ${JSON.stringify(s.RecordedBy)}`;
  if (!(s.ProcessId === null || (typeof s.ProcessId === 'number' && Number.isInteger(s.ProcessId)))) return 'has a ProcessId that is neither a number nor null';
  return null;
}

function runProblem(r: unknown): string | null {
  if (!isObject(r)) return 'is not an object';
  if (typeof r.At !== 'string' || Number.isNaN(Date.parse(r.At))) return 'has no time (At)';
  if (typeof r.Account !== 'string' || r.Account === '') return 'has no Account';
  if (typeof r.Machine !== 'string' || r.Machine === '') return 'has no Machine';
  if (!(r.ChangeId === null || (typeof r.ChangeId === 'string' && r.ChangeId !== ''))) return 'has a ChangeId that is neither text nor null';
  if (typeof r.Resumed !== 'boolean') return 'has no Resumed (true or false)';
  return null;
}

/** Journal data is small values only (journal-sanitize.ts); anything else was not written by this module. */
function isFlat(o: Record<string, unknown>): boolean {
  return Object.values(o).every((v) => v === null || ['string', 'boolean'].includes(typeof v) || (typeof v === 'number' && Number.isFinite(v)));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function corrupt(file: string, why: string): CoreError {
  return new CoreError(
    'JournalCorrupt',
    `The upgrade journal ${file} cannot be read: ${why}. Resume is not possible from it. Check the servers with Test-MfaServerUpgrade, then move the ` +
      `journal's folder (${dirname(file)}) away and start a new run; its backups stay where they are.`,
    file,
  );
}
