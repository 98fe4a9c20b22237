/** Small TypeBox helpers shared by every operation contract. */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox';
import type { ParameterBinding } from './contract';

/** A string enum as one JSON-schema `enum` (one clear ajv error), and a ValidateSet in PowerShell. */
export function StringEnum<T extends string[]>(
  values: [...T],
  options: { description?: string; default?: T[number] } & { 'x-mfa'?: ParameterBinding } = {},
): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: values, ...options });
}

/** Attach PowerShell binding details (pipeline, aliases, path) to a parameter schema. */
export function bind<S extends TSchema>(schema: S, binding: ParameterBinding): S {
  return { ...schema, 'x-mfa': binding };
}

/** A Windows or local path parameter. */
export function PathParameter(description: string, binding: ParameterBinding = {}) {
  // pattern: at least one non-blank character: a path of blanks named no folder, and '   ' once became a folder of spaces.
  return Type.String({ minLength: 1, pattern: '\\S', description, 'x-mfa': { path: true, ...binding } });
}
