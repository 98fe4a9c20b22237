/**
 * How a call's output is cut out of pwsh's stdout and stderr: everything between the first two appearances of the
 * call's delimiter, wherever the chunks happen to break.
 *
 * Why this is ours: node-powershell 5.0.1 frames each call between two delimiter lines, but its reader (child-shell
 * 5.0.0, `readBulkFromOutput`) looks for the closing delimiter only in the last (delimiter + 1) bytes whenever a call's
 * whole output arrives as one chunk. pwsh on Linux writes `ESC[?1h` after each line it reads, so under load (when
 * chunks merge) the closing delimiter is missed and the call waits until its timeout. Measured with 8 sessions on this
 * 2-core machine: 3 of 8 hung within 60 calls each. The session replaces that one reader with this one.
 */
import { Writable, type Readable } from 'node:stream';

/** Leading and trailing whitespace, as node-powershell trims a call's output. */
const trimWhitespace = (b: Buffer): Buffer => Buffer.from(b.toString('utf8').trim(), 'utf8');

/** Resolves with what `stream` carries between the first two occurrences of `delimiter`, trimmed. */
export function readBetweenDelimiters(stream: Readable, delimiter: string): Promise<Buffer> {
  const marker = Buffer.from(delimiter, 'utf8');
  return new Promise((resolve) => {
    let buffer = Buffer.alloc(0);
    let first = -1;
    let done = false;
    // Piped (not a 'data' listener) on purpose: node-powershell pipes and unpipes these streams too, and a stream
    // left with no pipe is paused; keeping ours piped keeps it flowing for the whole call.
    const sink = new Writable({
      write(chunk: Buffer, _encoding, next) {
        if (done) return next();
        // Search again only where a delimiter could start: the new bytes and the tail that could hold its first part.
        const searchFrom = Math.max(0, buffer.length - marker.length + 1);
        buffer = Buffer.concat([buffer, chunk]);
        if (first < 0) first = buffer.indexOf(marker, searchFrom);
        if (first >= 0) {
          const second = buffer.indexOf(marker, Math.max(first + marker.length, searchFrom));
          if (second >= 0) {
            done = true;
            stream.unpipe(sink);
            sink.end();
            resolve(trimWhitespace(buffer.subarray(first + marker.length, second)));
          }
        }
        next();
      },
    });
    stream.pipe(sink);
  });
}
