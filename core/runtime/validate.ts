/**
 * Turns ajv errors (from the standalone validators generated at build time) into one message that names the
 * PowerShell parameter at fault, e.g. `/ReferencePath must be string`.
 */
import type { ErrorObject } from 'ajv';
import { badRequest } from '../util/envelope';
import type { CoreError } from '../util/errors';

export type StandaloneValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

export function describeAjvError(e: ErrorObject): string {
  const where = e.instancePath || '';
  switch (e.keyword) {
    case 'required':
      return `${where}/${(e.params as { missingProperty: string }).missingProperty} is required`;
    case 'additionalProperties':
      return `${where}/${(e.params as { additionalProperty: string }).additionalProperty} is not a known parameter`;
    case 'enum':
      return `${where} must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}

export function validateItems(operation: string, validate: StandaloneValidator, items: unknown[]): CoreError | undefined {
  for (let i = 0; i < items.length; i++) {
    if (validate(items[i])) continue;
    const errors = validate.errors ?? [];
    const messages = errors.map(describeAjvError);
    const first = errors[0];
    const named = (first?.params ?? {}) as { missingProperty?: string; additionalProperty?: string };
    const field = first ? first.instancePath || '/' + (named.missingProperty ?? named.additionalProperty ?? '') : '';
    const prefix = items.length > 1 ? `Input object ${i + 1}: ` : '';
    return badRequest('InvalidParameter', `${prefix}${messages.join('; ')}`, field.replace(/^\//, '') || operation, {
      item: i,
      errors: messages,
    });
  }
  return undefined;
}
