/**
 * Every failure of the web.config library, built in one place so codes and wording stay stable.
 * No message ever quotes a value read from a file: a value may be a password.
 */
import { CoreError } from '../util/errors';
import { lineColumnAt } from './position';

export function malformed(path: string, text: string, offset: number, reason: string): CoreError {
  const { line, column } = lineColumnAt(text, offset);
  return malformedAt(path, line, column, reason);
}

export function malformedAt(path: string, line: number, column: number, reason: string): CoreError {
  return new CoreError(
    'WebConfigMalformed',
    `'${path}' is not well-formed XML: ${reason} at line ${line}, column ${column}. ` +
      'Correct the file (or restore it from the backup) and run the merge again.',
    path,
    { line, column },
  );
}

export function notAWebConfig(path: string, rootName: string): CoreError {
  return new CoreError(
    'NotAWebConfig',
    `'${path}' is XML but not a web.config: its root element is <${rootName}>, not <configuration>. ` +
      'Point the merge at the web.config file itself (an external appSettings file is not enough).',
    path,
    { rootElement: rootName },
  );
}

export function encryptedSection(path: string, section: string, provider: string | undefined): CoreError {
  const folder = folderOf(path);
  const providerText = provider ? ` (configProtectionProvider="${provider}")` : '';
  const reencrypt = provider ? ` -prov "${provider}"` : '';
  return new CoreError(
    'EncryptedSection',
    `'${path}': the section ${section} is encrypted${providerText} and cannot be merged as text. ` +
      `Decrypt it first (aspnet_regiis -pdf "${section}" "${folder}"), run the merge again, ` +
      `then encrypt it again (aspnet_regiis -pef "${section}" "${folder}"${reencrypt}).`,
    path,
    { section, provider: provider ?? null },
  );
}

export function duplicateKey(path: string, section: string, kind: 'key' | 'setting', name: string, lines: [number, number]): CoreError {
  const what = kind === 'key' ? `the ${section} key '${name}'` : `the setting '${name}' in ${section}`;
  return new CoreError(
    'DuplicateKey',
    `'${path}' defines ${what} twice (lines ${lines[0]} and ${lines[1]}; names are compared ignoring case). ` +
      'Remove one of them so that it is clear which value counts, then run the merge again.',
    path,
    { section, name, lines },
  );
}

export function duplicateSection(path: string, text: string, offset: number, section: string): CoreError {
  const { line, column } = lineColumnAt(text, offset);
  return new CoreError(
    'DuplicateSection',
    `'${path}' contains the section ${section} more than once (again at line ${line}, column ${column}); ` +
      '.NET refuses such a file. Keep one and run the merge again.',
    path,
    { section, line, column },
  );
}

export function nestedLocation(path: string, text: string, offset: number): CoreError {
  const { line, column } = lineColumnAt(text, offset);
  return new CoreError(
    'NestedLocation',
    `'${path}' has a <location> inside another <location> at line ${line}, column ${column}; .NET refuses such a file (a <location> may ` +
      'stand only directly in <configuration>). Move it to the top level, combining the two paths, and run the merge again.',
    path,
    { line, column },
  );
}

export function unsupportedEncoding(path: string, what: string): CoreError {
  return new CoreError(
    'WebConfigEncoding',
    `'${path}' is not in a supported encoding: ${what}. Save it as UTF-8 (with or without BOM) or UTF-16 and run the merge again.`,
    path,
    { problem: what },
  );
}

/** A broken assumption inside this library, not the admin's fault. */
export function internalError(path: string, what: string): CoreError {
  return new CoreError(
    'WebConfigInternalError',
    `The web.config merge could not process '${path}' (${what}). Nothing was written; please report this with the file's structure (not its values).`,
    path,
  );
}

function folderOf(path: string): string {
  const cut = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return cut > 0 ? path.slice(0, cut) : '.';
}

/** How a file is named in messages: with the parameter that named it when known (`-ReferencePath 'D:\old\web.config'`). */
export function named(path: string, parameter?: string): string {
  return parameter ? `-${parameter} '${path}'` : `'${path}'`;
}

export function emptyFile(path: string, parameter?: string): CoreError {
  return new CoreError(
    'WebConfigEmpty',
    `${named(path, parameter)} is empty (no XML at all). Name the web.config itself, or restore it from the backup, and run the merge again.`,
    path,
    { parameter: parameter ?? null },
  );
}

export function notXml(path: string, parameter?: string): CoreError {
  return new CoreError(
    'WebConfigNotXml',
    `${named(path, parameter)} is not XML (it does not start with '<'). Name the web.config file itself and run the merge again.`,
    path,
    { parameter: parameter ?? null },
  );
}

export function externalRootMismatch(path: string, owner: string, attribute: string, expected: string, found: string): CoreError {
  return new CoreError(
    'WebConfigMalformed',
    `'${path}' (named by ${attribute}= in '${owner}') must hold <${expected}> as its root element but holds <${found}>; .NET refuses this. Correct it and ` +
      `run the merge again.`,
    path,
    { owner, attribute, expected, found },
  );
}
