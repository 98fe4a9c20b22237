/**
 * Scheduled tasks on a lab server, kept where Windows keeps them: one XML file per task under
 * C:\Windows\System32\Tasks\<folder>\<name>, UTF-16LE with a BOM (an admin can open the file in the lab as on a server).
 */
import { XMLValidator } from 'fast-xml-parser';
import { CoreError } from '../../util/errors';
import { hasCharacterWindowsRefusesInName } from '../../util/windows-path';

export const TASKS_FOLDER = 'C:\\Windows\\System32\\Tasks';

/** The Windows path of a task's file; task names that could leave the Tasks folder are refused. */
export function labTaskFile(name: string): string {
  const parts = name.replace(/^\\/, '').split('\\');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('/') || hasCharacterWindowsRefusesInName(p))) {
    throw new CoreError('InvalidTaskName', `'${name}' is not a usable task name (\\Folder\\Name).`, name);
  }
  return `${TASKS_FOLDER}\\${parts.join('\\')}`;
}

/** Task Scheduler refuses XML that is not well formed or whose root is not <Task>; so does the lab. */
export function checkTaskXml(name: string, xml: string): void {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new CoreError('TaskXmlInvalid', `The XML of task ${name} is not well formed (line ${valid.err.line}): ${valid.err.msg}`, name);
  }
  const root = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>]/.exec(xml.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''));
  if (root?.[2] !== 'Task') throw new CoreError('TaskXmlInvalid', `The XML of task ${name} has no <Task> root element.`, name);
}

export function encodeTaskFile(xml: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')]);
}

/** UTF-16LE with a BOM as Windows writes it; a UTF-8 file an admin dropped in is read too. */
export function decodeTaskFile(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('utf8');
}
