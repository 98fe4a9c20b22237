/** What Get-MfaServerUsage asks of the usage feature, and what it answers. */
import type { AuthMethod, Caller } from '../domain/service-log';

export interface UsageRequest {
  /** Files or folders holding service logs (copies too); absent: the Logs folder of the server's install path. */
  paths?: string[];
  /** Only authentications at or after this moment count (lines without a time still count as unparsed). */
  since?: Date;
  /** Only these users (case-insensitive; `*` and `?` are wildcards); absent: every user. */
  users?: string[];
  /** How many unparsed lines are kept as a sample (the rest are counted). */
  sampleSize?: number;
}

/** A method as the report names it: the result constant's method, a primary (first-factor) check, or not told. */
export type ReportedMethod = AuthMethod | 'PrimaryAuth' | 'Unknown';

export interface ResultCount {
  Result: string;
  Count: number;
}

/** The counts kept for a user, a day or a caller. */
export interface UsageTotals {
  /** Second-factor results (Pfauth lines). */
  Count: number;
  Succeeded: number;
  Failed: number;
  /** First-factor checks (Primary auth / Failed … auth lines); not in Count, so one sign-in counts once there. */
  PrimaryAuthCount: number;
  FirstSeen: string | null;
  LastSeen: string | null;
  /** Per result constant (PRIMARY_AUTH_SUCCEEDED / _FAILED for first-factor lines), most frequent first. */
  Results: ResultCount[];
  Methods: ReportedMethod[];
  Callers: Caller[];
  /** Client addresses the lines name (` from 10.0.0.5`), at most SOURCE_LIMIT of them. */
  Sources: string[];
  /**
   * Distinct users: of a caller (1 for a user). Not counted per day (null): that would keep days x users names, and
   * memory would grow with the span of the logs.
   */
  Users: number | null;
}

export interface UserUsage extends UsageTotals {
  User: string;
  LastResult: string | null;
}

export interface DayUsage extends UsageTotals {
  /** yyyy-MM-dd, UTC (the log's own time zone). */
  Day: string;
}

export interface CallerUsage extends UsageTotals {
  Caller: Caller;
}

export interface UnparsedLine {
  File: string;
  Line: number;
  Reason: string;
  /** The line, cut to TEXT_LIMIT characters. */
  Text: string;
}

export interface LogFileRead {
  Path: string;
  Bytes: number;
  Lines: number;
  FirstTimestamp: string | null;
  LastTimestamp: string | null;
}

export interface UsageReport {
  /** Oldest first, as they were read. */
  Files: LogFileRead[];
  Users: UserUsage[];
  Days: DayUsage[];
  Callers: CallerUsage[];
  /** Lines well formed but not about authentication (service start, AD sync, errors). */
  OtherLines: number;
  /** Authentications before -Since, or of users -User leaves out: read, then left out on purpose. */
  FilteredOut: number;
  UnparsedLines: number;
  UnparsedSample: UnparsedLine[];
  /** The most bytes the reader held at once: one chunk plus at most one cut line, whatever the size of the logs. */
  MaxBufferedBytes: number;
}
