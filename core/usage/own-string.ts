/**
 * A copy of a string that holds nothing else alive. V8 cuts substrings as views of their parent, so a user name cut
 * from a chunk of a log would keep the whole chunk (a megabyte) for as long as an aggregate keeps the name. Used only
 * when an aggregate keeps a string for the first time (a new user, result constant or client address), never per line.
 */
export const ownString = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/** Beyond this many different result constants the rest count under OTHER_RESULTS (garbage lines could invent any number). */
export const RESULT_LIMIT = 256;
export const OTHER_RESULTS = '(other results)';

/** One copy of each result constant for every tally to share (see ownString). */
export class ResultNames {
  private readonly names = new Map<string, string>();

  of(result: string): string {
    const known = this.names.get(result);
    if (known !== undefined) return known;
    if (this.names.size >= RESULT_LIMIT) return OTHER_RESULTS;
    const own = ownString(result);
    this.names.set(own, own);
    return own;
  }
}
