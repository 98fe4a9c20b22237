/**
 * Times of the service log (ISO-8601 UTC, `2019-04-23T17:22:14.516730Z`) as numbers: milliseconds since 1970 with the
 * fraction kept (microseconds fit a double). Kept as numbers, not as the line's text, because a piece of a line would
 * keep the whole chunk it was cut from alive (V8 slices strings), and aggregates live as long as the read.
 */

const digits = (s: string, from: number, count: number) => {
  let n = 0;
  for (let i = from; i < from + count; i++) n = n * 10 + (s.charCodeAt(i) - 48);
  return n;
};

/** The time of a timestamp the line parser accepted (line-parser.ts timestampEnd). */
export function timestampValue(t: string): number {
  const ms = Date.UTC(digits(t, 0, 4), digits(t, 5, 2) - 1, digits(t, 8, 2), digits(t, 11, 2), digits(t, 14, 2), digits(t, 17, 2));
  if (t.charCodeAt(19) !== 46 /* . */) return ms;
  let scale = 100;
  let fraction = 0;
  for (let i = 20; i < t.length - 1 && scale >= 0.001; i++, scale /= 10) fraction += (t.charCodeAt(i) - 48) * scale;
  return ms + fraction;
}

/** A time as output objects show it: ISO-8601 UTC to the millisecond. */
export const formatTimestamp = (value: number) => new Date(Math.floor(value)).toISOString();

const DAY_MS = 86_400_000;
/** The UTC day of a time, as a number (days since 1970), and as output shows it (yyyy-MM-dd). */
export const dayNumber = (value: number) => Math.floor(value / DAY_MS);
export const formatDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
