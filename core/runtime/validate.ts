/**
 * Turns ajv errors (from the standalone validators generated at build time) into one message that names the
 * PowerShell parameter at fault, e.g. `/ReferencePath must be string`.
 */
import { badRequest } from '../util/envelope';
import type { CoreError } from '../util/errors';
import { describeAjvError, type StandaloneValidator } from '../util/ajv-errors';

export { describeAjvError, type StandaloneValidator };

export function validateItems(operation: string, validate: StandaloneValidator, items: unknown[]): CoreError | undefined {
  for (let i = 0; i < items.length; i++) {
    if (validate(items[i])) continue;
    const errors = validate.errors ?? [];
    const messages = errors.map((e) => describeAjvError(e));
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
