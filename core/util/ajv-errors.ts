/**
 * What a standalone ajv validator (generated at build time from TypeBox schemas: the operations' input, and the records
 * the tool reads back, core/generated/) reports, said as one line per error that names the field at fault:
 * `/ReferencePath must be string`, `/Source/Servers/0/MachineId must be string,null`.
 */
import type { ErrorObject } from 'ajv';

export type StandaloneValidator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** `unknown`: what a property the schema does not know is (a cmdlet's parameter, a record's field). */
export function describeAjvError(e: ErrorObject, unknown: 'parameter' | 'field' = 'parameter'): string {
  const where = e.instancePath || '';
  switch (e.keyword) {
    case 'required':
      return `${where}/${(e.params as { missingProperty: string }).missingProperty} is required`;
    case 'additionalProperties':
      return `${where}/${(e.params as { additionalProperty: string }).additionalProperty} is not a known ${unknown}`;
    case 'enum':
      return `${where} must be one of: ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).join(', ')}`;
    default:
      return `${where} ${e.message ?? 'is invalid'}`;
  }
}
