/** Read journal.json back, refusing anything that is not a journal this version wrote (JournalCorrupt). */
import { CoreError } from '../util/errors';
import { JOURNAL_FORMAT_VERSION, RUN_STATUSES, STEP_STATUSES, type JournalDocument, type JournalStep } from './journal-types';

export function parseJournal(text: string, file: string): JournalDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw corrupt(file, `it is not valid JSON (${(e as Error).message})`);
  }
  if (!isObject(doc)) throw corrupt(file, 'it does not hold a JSON object');
  if (doc.FormatVersion !== JOURNAL_FORMAT_VERSION) {
    throw corrupt(file, `its format version is ${JSON.stringify(doc.FormatVersion)}, this module reads version ${JOURNAL_FORMAT_VERSION}`);
  }
  for (const key of ['RunId', 'CreatedAt', 'UpdatedAt'] as const) {
    if (typeof doc[key] !== 'string') throw corrupt(file, `${key} is missing`);
  }
  if (!RUN_STATUSES.includes(doc.Status as never)) throw corrupt(file, `its Status ${JSON.stringify(doc.Status)} is unknown`);
  if (!isObject(doc.Meta)) throw corrupt(file, 'Meta is missing');
  if (!Array.isArray(doc.Steps)) throw corrupt(file, 'Steps is missing');
  const ids = new Set<string>();
  doc.Steps.forEach((s, i) => {
    const problem = stepProblem(s);
    if (problem) throw corrupt(file, `step ${i + 1} ${problem}`);
    const id = (s as JournalStep).Id;
    if (ids.has(id)) throw corrupt(file, `step ${id} appears twice`);
    ids.add(id);
  });
  return doc as unknown as JournalDocument;
}

function stepProblem(s: unknown): string | null {
  if (!isObject(s)) return 'is not an object';
  for (const key of ['Id', 'Action', 'ComputerName', 'Kind'] as const) if (typeof s[key] !== 'string') return `has no ${key}`;
  if (typeof s.Order !== 'number' || typeof s.Attempts !== 'number') return 'has no Order or Attempts';
  if (!STEP_STATUSES.includes(s.Status as never)) return `has an unknown Status ${JSON.stringify(s.Status)}`;
  if (!isObject(s.Data)) return 'has no Data';
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function corrupt(file: string, why: string): CoreError {
  return new CoreError(
    'JournalCorrupt',
    `The upgrade journal ${file} cannot be read: ${why}. Resume is not possible from it; check the servers with Test-MfaServerUpgrade before starting again.`,
    file,
  );
}
