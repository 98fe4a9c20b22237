/**
 * Where a JSON text is broken, said as an admin finds it in an editor: "line 12, column 5: <what>". Node's messages
 * give a character position only for some errors (and may quote the text, which is dropped: a file can be long), so
 * the position is found by a small scan of the text when Node does not give it.
 */
export function jsonSyntaxError(text: string, e: unknown): string {
  const message = (e as Error)?.message ?? String(e);
  if (text.trim() === '') return 'the file is empty';
  const what = message.replace(/,? (\.\.\.)?".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').trim();
  const given = /at position (\d+)/.exec(message);
  const offset = given ? Number(given[1]) : firstErrorOffset(text);
  if (offset === undefined) return what;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  return `line ${line}, column ${column}: ${what}`;
}

/**
 * A record file's JSON read back: a leading byte order mark dropped (Notepad writes one), a syntax error thrown as
 * `invalid("it is not valid JSON (line L, column C: …)")` so each record names its own file and error code.
 */
export function parseRecordJson(text: string, invalid: (why: string) => Error): unknown {
  const json = text.replace(/^\uFEFF/, '');
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    throw invalid(`it is not valid JSON (${jsonSyntaxError(json, e)})`);
  }
}

/** The offset of the first character that cannot continue valid JSON (a strict scan; undefined if none is found). */
export function firstErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  };
  const fail = (): never => {
    throw new ScanStopped(i);
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i++] !== ch) {
        i -= 1;
        fail();
      }
    }
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail();
      const ch = text[i];
      if (ch === '"') return void i++;
      if (ch < ' ') fail();
      if (ch === '\\') {
        i++;
        if (text[i] === 'u') {
          for (let k = 1; k <= 4; k++) {
            if (!/[0-9a-fA-F]/.test(text[i + k] ?? '')) {
              i += k;
              fail();
            }
          }
          i += 5;
          continue;
        }
        if (!'"\\/bfnrt'.includes(text[i] ?? '')) fail();
      }
      i++;
    }
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail();
      }
    }
    if (ch === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail();
      }
    }
    if (ch === '"') return string();
    if (ch === 't') return literal('true');
    if (ch === 'f') return literal('false');
    if (ch === 'n') return literal('null');
    if (ch === '-' || (ch >= '0' && ch <= '9')) return number();
    fail();
  };
  try {
    value();
    ws();
    if (i < text.length) fail();
    return undefined;
  } catch (stop) {
    return stop instanceof ScanStopped ? Math.min(stop.offset, text.length) : undefined;
  }
}

/** How the scan leaves its recursion at the first character that cannot continue the JSON. */
class ScanStopped extends Error {
  constructor(readonly offset: number) {
    super(`JSON cannot continue at offset ${offset}`);
  }
}
