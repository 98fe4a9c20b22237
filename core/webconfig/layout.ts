/**
 * How a web.config is laid out, so inserted lines look like their neighbours: line ending, the indentation of a
 * line, and the indentation step the file uses.
 */
import type { XmlElement } from './xml-tree';

/** The file's dominant line ending; CRLF when there is none (these files live on Windows). */
export function documentEol(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return lf > crlf ? '\n' : '\r\n';
}

/**
 * Where the line that `pos` stands on breaks, and with which line ending, provided only blanks or comments follow
 * `pos` on that line (new lines then go after them, leaving the existing line as it was).
 */
export function lineBreakAfter(text: string, pos: number): { at: number; eol: string } | undefined {
  const rest = /^(?:[ \t]*<!--(?:(?!-->)[^\r\n])*-->)*[ \t]*(\r\n|\n)/.exec(text.slice(pos, pos + 400));
  return rest ? { at: pos + rest[0].length - rest[1].length, eol: rest[1] } : undefined;
}

export function eolAfter(text: string, pos: number): string | undefined {
  return lineBreakAfter(text, pos)?.eol;
}

/** The blanks before `pos` if they start its line; undefined when other text precedes it on that line. */
export function lineIndent(text: string, pos: number): string | undefined {
  let i = pos;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (i > 0 && text[i - 1] !== '\n' && text[i - 1] !== '\r') return undefined;
  return text.slice(i, pos);
}

/** The indentation step: the first element on its own line that is indented deeper than its parent. */
export function indentUnit(text: string, root: XmlElement): string {
  const stack = [root];
  while (stack.length) {
    const el = stack.shift()!;
    const own = lineIndent(text, el.start);
    for (const child of el.children) {
      const inner = lineIndent(text, child.start);
      if (own !== undefined && inner !== undefined && inner.length > own.length && inner.startsWith(own)) {
        return inner.slice(own.length);
      }
      stack.push(child);
    }
  }
  return '  ';
}
