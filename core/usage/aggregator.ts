/**
 * Folds parsed lines into the report: per user, per day, per caller, and the lines not understood (counted, a sample
 * kept with file and line number). Holds one entry per user, day and caller and a bounded sample: its memory depends
 * on how many of those the logs hold, never on how many lines they have.
 */
import type { Caller } from '../domain/service-log';
import type { ParsedLine } from './line-parser';
import { ownString, ResultNames } from './own-string';
import { Tally } from './tally';
import { dayNumber, formatDay, timestampValue } from './timestamps';
import type { UserFilter } from './user-filter';
import type { CallerUsage, DayUsage, UnparsedLine, UserUsage } from './types';

/** Unparsed lines are cut to this many characters in the sample. */
export const TEXT_LIMIT = 300;
export const DEFAULT_SAMPLE_SIZE = 20;

interface UserEntry {
  name: string;
  tally: Tally;
}

export class UsageAggregator {
  private readonly users = new Map<string, UserEntry>();
  private readonly days = new Map<number, Tally>();
  private readonly callers = new Map<Caller, Tally>();
  private readonly results = new ResultNames();
  otherLines = 0;
  filteredOut = 0;
  unparsedLines = 0;
  readonly unparsedSample: UnparsedLine[] = [];

  constructor(
    private readonly since: number,
    private readonly wanted: UserFilter,
    private readonly sampleSize = DEFAULT_SAMPLE_SIZE,
  ) {}

  add(parsed: ParsedLine, file: string, lineNumber: number, line: string): void {
    switch (parsed.kind) {
      case 'other':
        this.otherLines++;
        return;
      case 'unparsed':
        this.unparsed(file, lineNumber, parsed.reason, line);
        return;
      case 'authentication': {
        const time = timestampValue(parsed.timestamp);
        if (time < this.since || !this.wanted(parsed.event.user)) {
          this.filteredOut++;
          return;
        }
        const user = this.userEntry(parsed.event.user);
        const result = this.results.of(parsed.event.result);
        user.tally.add(time, parsed.event, result, user.name);
        this.tallyOf(this.days, dayNumber(time), false).add(time, parsed.event, result, user.name);
        this.tallyOf(this.callers, parsed.event.caller, true).add(time, parsed.event, result, user.name);
      }
    }
  }

  /** A line the reader had to cut (longer than its limit) or the parser did not understand. */
  unparsed(file: string, lineNumber: number, reason: string, line: string): void {
    this.unparsedLines++;
    if (this.unparsedSample.length < this.sampleSize) {
      this.unparsedSample.push({ File: ownString(file), Line: lineNumber, Reason: reason, Text: ownString(line.slice(0, TEXT_LIMIT)) });
    }
  }

  /** Users are one entry whatever the case of the name; the name shown is the first spelling seen. */
  private userEntry(user: string): UserEntry {
    const key = user.toLowerCase();
    let entry = this.users.get(key);
    if (entry === undefined) {
      const name = ownString(user);
      entry = { name, tally: new Tally(null) };
      this.users.set(ownString(key), entry);
    }
    return entry;
  }

  private tallyOf<K>(map: Map<K, Tally>, key: K, countUsers: boolean): Tally {
    let tally = map.get(key);
    if (tally === undefined) {
      tally = new Tally(countUsers ? new Set() : null);
      map.set(key, tally);
    }
    return tally;
  }

  /** Entries the aggregates hold, their tallies' values included: what grows with the logs' variety, never with their length (tests read it). */
  get retainedEntries(): number {
    let n = this.unparsedSample.length;
    for (const { tally } of this.users.values()) n += 1 + tally.retained;
    for (const tally of [...this.days.values(), ...this.callers.values()]) n += 1 + tally.retained;
    return n;
  }

  userUsage(): UserUsage[] {
    return [...this.users.values()]
      .map(({ name, tally }) => ({ User: name, ...tally.totals(), LastResult: tally.lastResult }))
      .sort((a, b) => (b.LastSeen ?? '').localeCompare(a.LastSeen ?? '') || a.User.localeCompare(b.User));
  }

  dayUsage(): DayUsage[] {
    return [...this.days].sort(([a], [b]) => a - b).map(([day, tally]) => ({ Day: formatDay(day), ...tally.totals(null) }));
  }

  callerUsage(): CallerUsage[] {
    const volume = (c: CallerUsage) => c.Count + c.PrimaryAuthCount;
    return [...this.callers].map(([caller, tally]) => ({ Caller: caller, ...tally.totals() })).sort((a, b) => volume(b) - volume(a));
  }
}
