/**
 * The counts kept for one user, one day or one caller. Its size depends on how many different results, methods,
 * callers, addresses and users it has seen, never on how many lines were read: the report's memory stays flat.
 */
import type { Caller } from '../domain/service-log';
import type { AuthenticationEvent } from './line-parser';
import { ownString } from './own-string';
import { formatTimestamp } from './timestamps';
import type { ReportedMethod, UsageTotals } from './types';

/** Client addresses kept per tally; the rest are not listed. */
export const SOURCE_LIMIT = 20;

export class Tally {
  count = 0;
  succeeded = 0;
  failed = 0;
  primary = 0;
  first = Infinity;
  last = -Infinity;
  lastResult: string | null = null;
  private readonly results = new Map<string, number>();
  // Insertion-ordered sets would cost a hash per line; a tally sees a handful of methods and callers, so a list
  // searched with includes is cheaper and as small.
  private readonly methods: ReportedMethod[] = [];
  private readonly callers: Caller[] = [];
  private readonly sources = new Set<string>();

  /** `users` only where distinct users are counted (callers); it holds the aggregator's own copies of the names. */
  constructor(private readonly users: Set<string> | null) {}

  /** `result` is the aggregator's own copy of the event's result constant (ResultNames). */
  add(time: number, event: AuthenticationEvent, result: string, userKey: string): void {
    if (event.factor === 'primary') this.primary++;
    else {
      this.count++;
      if (event.succeeded) this.succeeded++;
      else this.failed++;
    }
    if (time < this.first) this.first = time;
    if (time >= this.last) {
      this.last = time;
      this.lastResult = result;
    }
    this.results.set(result, (this.results.get(result) ?? 0) + 1);
    if (!this.methods.includes(event.method)) this.methods.push(event.method);
    if (!this.callers.includes(event.caller)) this.callers.push(event.caller);
    if (event.source !== null && this.sources.size < SOURCE_LIMIT && !this.sources.has(event.source)) this.sources.add(ownString(event.source));
    this.users?.add(userKey);
  }

  /** How many values it keeps: what grows with the logs' variety (tests read it). */
  get retained(): number {
    return this.results.size + this.methods.length + this.callers.length + this.sources.size + (this.users?.size ?? 0);
  }

  /** `usersSeen`: what Users says when this tally keeps no set (1 for a user, null for a day). */
  totals(usersSeen: number | null = 1): UsageTotals {
    const seen = this.first !== Infinity;
    return {
      Count: this.count,
      Succeeded: this.succeeded,
      Failed: this.failed,
      PrimaryAuthCount: this.primary,
      FirstSeen: seen ? formatTimestamp(this.first) : null,
      LastSeen: seen ? formatTimestamp(this.last) : null,
      Results: [...this.results].map(([Result, Count]) => ({ Result, Count })).sort((a, b) => b.Count - a.Count || a.Result.localeCompare(b.Result)),
      Methods: [...this.methods].sort(),
      Callers: [...this.callers].sort(),
      Sources: [...this.sources].sort(),
      Users: this.users ? this.users.size : usersSeen,
    };
  }
}
