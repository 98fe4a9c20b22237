/**
 * Control characters (U+0000 to U+001F) cannot travel safely in a file name, a task name or a command line. Tested by
 * code point rather than by a regular expression: a control-character range in a pattern reads like a typing mistake.
 */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
