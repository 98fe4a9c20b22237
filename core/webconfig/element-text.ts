/** The character data of a leaf element such as <value>, decoded (entities, CDATA, line ends), comments skipped. */
import type { XmlElement } from './xml-tree';
import { decodeCdata, decodeText } from './xml-text';

export function elementText(text: string, el: XmlElement): string {
  if (el.selfClosing) return '';
  let out = '';
  let i = el.startTagEnd;
  const to = el.closeStart;
  while (i < to) {
    const lt = text.indexOf('<', i);
    const runEnd = lt === -1 || lt > to ? to : lt;
    out += decodeText(text.slice(i, runEnd));
    if (runEnd === to) break;
    if (text.startsWith('<![CDATA[', runEnd)) {
      const close = text.indexOf(']]>', runEnd);
      out += decodeCdata(text.slice(runEnd + 9, close));
      i = close + 3;
    } else {
      const terminator = text.startsWith('<!--', runEnd) ? '-->' : '?>';
      i = text.indexOf(terminator, runEnd) + terminator.length;
    }
  }
  return out;
}
