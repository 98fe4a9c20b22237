/**
 * The report as the cmdlet's objects: one type of row for every kind, so that one table view shows them all (the
 * module gives every object of a command the same type name). Default: a row per user. Summary: a row per day, per
 * caller and per file read, and one row for the lines not understood (their count and a sample).
 */
import { timestampValue, formatTimestamp } from './timestamps';
import type { ResultCount, UnparsedLine, UsageReport, UsageTotals } from './types';

export type UsageRowKind = 'User' | 'Day' | 'Caller' | 'File' | 'Unparsed';

export interface UsageRow extends UsageTotals {
  Kind: UsageRowKind;
  /** The user, the day (yyyy-MM-dd), the caller, the file's path, or 'Unparsed lines'. */
  Name: string;
  LastResult: string | null;
  /** Unparsed: the kept sample (file, line number, reason, text); empty for the other kinds. */
  Samples: UnparsedLine[];
  /** One short line for the table; the other properties hold everything in full. */
  Detail: string;
}

/** Detail is cut to this many characters, so that the default table fits 120 columns. */
export const DETAIL_LIMIT = 40;

const cut = (s: string) => (s.length > DETAIL_LIMIT ? `${s.slice(0, DETAIL_LIMIT - 1)}…` : s);
const top = (results: ResultCount[]) => (results.length ? `${results[0].Result} ${results[0].Count}` : '');

const EMPTY: UsageTotals = {
  Count: 0, Succeeded: 0, Failed: 0, PrimaryAuthCount: 0, FirstSeen: null, LastSeen: null, Results: [], Methods: [], Callers: [], Sources: [], Users: 0,
};

export function usageRows(report: UsageReport, summary: boolean): UsageRow[] {
  if (!summary) {
    return report.Users.map(({ User, LastResult, ...totals }) => ({
      Kind: 'User', Name: User, ...totals, LastResult, Samples: [], Detail: cut(`${totals.Methods.join(', ')} via ${totals.Callers.join(', ')}`),
    }));
  }
  const time = (t: string | null) => (t === null ? null : formatTimestamp(timestampValue(t)));
  return [
    ...report.Days.map(({ Day, ...totals }): UsageRow => ({
      Kind: 'Day', Name: Day, ...totals, LastResult: null, Samples: [], Detail: cut(top(totals.Results)),
    })),
    ...report.Callers.map(({ Caller, ...totals }): UsageRow => ({
      Kind: 'Caller', Name: Caller, ...totals, LastResult: null, Samples: [], Detail: cut(`${totals.Users} users; ${totals.Methods.join(', ')}`),
    })),
    ...report.Files.map((f): UsageRow => ({
      Kind: 'File', Name: f.Path, ...EMPTY, Count: f.Lines, FirstSeen: time(f.FirstTimestamp), LastSeen: time(f.LastTimestamp), LastResult: null, Samples: [],
      Detail: `${f.Bytes} bytes`,
    })),
    {
      Kind: 'Unparsed', Name: 'Unparsed lines', ...EMPTY, Count: report.UnparsedLines, LastResult: null, Samples: report.UnparsedSample,
      Detail: cut(`${report.OtherLines} other lines; ${report.FilteredOut} left out by -Since/-User`),
    },
  ];
}
