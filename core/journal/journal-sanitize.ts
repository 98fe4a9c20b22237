/**
 * The journal must hold no secrets: it sits on disk for as long as the admin keeps it, and support people read it.
 * Every string goes through the process redactor; a key whose name looks secret is refused outright, because a
 * value stored under it would be a secret even if the redactor has never seen it.
 */
import { CoreError } from '../util/errors';
import { isSecretName, redactor } from '../util/secrets';
import type { JournalData, JournalValue } from './journal-types';

export function cleanText(text: string): string {
  return redactor.redact(text);
}

export function cleanData(data: Record<string, unknown>, where: string): JournalData {
  const out: JournalData = {};
  for (const [key, value] of Object.entries(data)) {
    if (isSecretName(key)) {
      throw new CoreError('JournalSecretRefused', `The journal does not store "${key}" (${where}): its name marks it as a secret.`, key);
    }
    out[key] = cleanValue(value, key, where);
  }
  return out;
}

function cleanValue(value: unknown, key: string, where: string): JournalValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return cleanText(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new CoreError(
    'JournalValueInvalid',
    `The journal keeps only small values (text, numbers, true/false); "${key}" (${where}) is ${typeof value === 'number' ? String(value) : typeof value}.`,
    key,
  );
}
