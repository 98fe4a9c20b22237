/**
 * Reads a file line by line through the Host port's readFileRange, one chunk at a time: what it holds at once is one
 * chunk plus the unfinished line carried into the next, and a line longer than the limit is cut (reported, then
 * skipped to its end), so a file without line breaks cannot make it grow either. MaxBufferedBytes reports the most it
 * held, for the report and for tests that prove the bound without timing anything.
 */
import type { Host } from '../host/host';

export type RangeReader = Pick<Host, 'readFileRange'>;

export interface LineReaderOptions {
  chunkBytes?: number;
  maxLineBytes?: number;
}

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

export interface ReadStats {
  bytes: number;
  lines: number;
  maxBufferedBytes: number;
}

/**
 * Calls onLine for every line (without its CR LF), numbered from 1; a line longer than maxLineBytes comes with `cut`
 * true and only its beginning (ASCII lines are cut at exactly maxLineBytes, others at as many characters).
 * Text is UTF-8 (ASCII is the same) [?]; a UTF-8 byte order mark at the start is skipped.
 */
export async function readLines(
  files: RangeReader,
  path: string,
  onLine: (line: string, lineNumber: number, cut: boolean) => void,
  options: LineReaderOptions = {},
): Promise<ReadStats> {
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const maxLine = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const stats: ReadStats = { bytes: 0, lines: 0, maxBufferedBytes: 0 };
  // A UTF-8 byte order mark is skipped (looked for on its own: the first chunk may be shorter than the mark).
  const head = await files.readFileRange(path, 0, 3);
  if (head.length === 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) stats.bytes = 3;
  let carry: Buffer = Buffer.alloc(0);
  /** Inside a line already reported as cut: its rest is skipped up to its line break. */
  let skipping = false;
  const emit = (bytes: Buffer, cut: boolean) => {
    let end = bytes.length;
    if (!cut && end > 0 && bytes[end - 1] === 13) end--;
    onLine(bytes.toString('utf8', 0, end), ++stats.lines, cut);
  };
  for (;;) {
    const chunk = await files.readFileRange(path, stats.bytes, chunkBytes);
    if (chunk.length === 0) break;
    const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    stats.bytes += chunk.length;
    stats.maxBufferedBytes = Math.max(stats.maxBufferedBytes, data.length);
    let start = 0;
    if (skipping) {
      const nl = data.indexOf(10);
      if (nl < 0) {
        carry = Buffer.alloc(0);
        continue;
      }
      skipping = false;
      start = nl + 1;
    }
    const last = data.lastIndexOf(10);
    if (last >= start) {
      // Lines are decoded a chunk at a time: a line break is never inside a UTF-8 character.
      const text = data.toString('utf8', start, last + 1);
      let from = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; from = nl + 1, nl = text.indexOf('\n', from)) {
        const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        // The same limit as for a line carried across chunks, so that where a chunk ends never changes the result.
        if (end - from > maxLine) onLine(text.slice(from, from + maxLine), ++stats.lines, true);
        else onLine(text.slice(from, end), ++stats.lines, false);
      }
      start = last + 1;
    }
    const rest = data.subarray(start);
    if (rest.length > maxLine) {
      emit(rest.subarray(0, maxLine), true);
      skipping = true;
      carry = Buffer.alloc(0);
    } else {
      // A copy: the chunk it was cut from is let go.
      carry = Buffer.from(rest);
    }
  }
  if (carry.length > 0) emit(carry, false);
  return stats;
}
