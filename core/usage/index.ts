/**
 * The usage feature (Get-MfaServerUsage): who and what still authenticates through MFA Server, read from its own
 * service logs. The front door: readServerUsage(host, request) → UsageReport, and usageRows for the cmdlet's objects.
 * Files: line-parser (the grammar, tolerant), aggregator + tally (per user, day, caller, unparsed), line-reader
 * (streams a file through the Host port in chunks), log-files + log-source (which files, oldest first).
 */
import type { Host } from '../host/host';
import { UsageAggregator } from './aggregator';
import { parseLine } from './line-parser';
import { DEFAULT_MAX_LINE_BYTES, readLines, type LineReaderOptions } from './line-reader';
import { findLogFiles } from './log-source';
import { ownString } from './own-string';
import { userFilter } from './user-filter';
import type { LogFileRead, UsageReport, UsageRequest } from './types';

export type * from './types';
export { usageRows, type UsageRow } from './usage-rows';

/**
 * Reads every service log file of the server (or the files and folders of request.paths), oldest first, one chunk at
 * a time. `host` null: request.paths are files of this machine. `progress` hears each file as it starts.
 */
export async function readServerUsage(
  host: Host | null,
  request: UsageRequest,
  progress: (file: string) => void = () => undefined,
  reader: LineReaderOptions = {},
): Promise<UsageReport> {
  const files = await findLogFiles(host, request.paths);
  const aggregator = new UsageAggregator(request.since?.getTime() ?? -Infinity, userFilter(request.users), request.sampleSize);
  const read: LogFileRead[] = [];
  let maxBuffered = 0;
  const cutReason = `longer than ${reader.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES} bytes: cut, the rest of it skipped`;
  for (const file of files) {
    progress(file.path);
    let last: string | null = null;
    const stats = await readLines(
      file.files,
      file.path,
      (line, n, cut) => {
        if (cut) return aggregator.unparsed(file.path, n, cutReason, line);
        const parsed = parseLine(line);
        if (parsed.kind !== 'unparsed') last = parsed.timestamp;
        aggregator.add(parsed, file.path, n, line);
      },
      reader,
    );
    maxBuffered = Math.max(maxBuffered, stats.maxBufferedBytes);
    const lastTimestamp = last === null ? null : ownString(last);
    read.push({ Path: file.path, Bytes: stats.bytes, Lines: stats.lines, FirstTimestamp: file.firstTimestamp, LastTimestamp: lastTimestamp });
  }
  return {
    Files: read,
    Users: aggregator.userUsage(),
    Days: aggregator.dayUsage(),
    Callers: aggregator.callerUsage(),
    OtherLines: aggregator.otherLines,
    FilteredOut: aggregator.filteredOut,
    UnparsedLines: aggregator.unparsedLines,
    UnparsedSample: aggregator.unparsedSample,
    MaxBufferedBytes: maxBuffered,
  };
}
