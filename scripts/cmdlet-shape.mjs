// The shape of a generated cmdlet, from its contract: its parameter sets and how it takes pipeline input. Shared by the
// cmdlet's code (generate-module.mjs) and its help (generate-maml.mjs), so both always say the same.

/**
 * @typedef {import('./generate-module.mjs').ListedOperation} ListedOperation
 * @typedef {import('./generate-module.mjs').ParameterSchema} ParameterSchema
 * @typedef {import('./generate-module.mjs').InputSchema} InputSchema
 * @typedef {NonNullable<ReturnType<typeof parameterSets>>} ParameterSets
 */

/**
 * The input schema of an operation as the generator reads it: the listing carries it as plain JSON Schema, untyped.
 * @param {ListedOperation} op
 * @returns {InputSchema}
 */
export const inputOf = (op) => op.input;

/**
 * The parameter sets of an operation, or null when it needs none. Target sets come from the parameters' x-mfa.sets
 * (the first named is the default: 'ComputerName' before 'Session'); each output mode (Test-MfaServerUpgrade
 * -Detection) adds a set of its own holding the default set's parameters and its switch, mandatory there.
 */
/**
 * @param {ListedOperation} op
 */
export function parameterSets(op) {
  /** @type {string[]} */
  const targetSets = [];
  for (const schema of Object.values(inputOf(op).properties ?? {})) {
    for (const s of schema['x-mfa']?.sets ?? []) if (!targetSets.includes(s)) targetSets.push(s);
  }
  const modes = op.outputModes ?? [];
  if (targetSets.length === 0 && modes.length === 0) return null;
  const defaultSet = targetSets[0] ?? 'Default';
  return { defaultSet, targetSets: targetSets.length ? targetSets : [defaultSet], modes };
}

/**
 * The sets a parameter is declared in: undefined means every set (one plain [Parameter()]).
 * @param {string} name
 * @param {ParameterSchema} schema
 * @param {ParameterSets | null} sets
 * @returns {string[] | undefined}
 */
export function setsOf(name, schema, sets) {
  if (!sets) return undefined;
  const mode = sets.modes.find((m) => m.parameter === name);
  if (mode) return [mode.parameter];
  const own = schema['x-mfa']?.sets;
  if (!own) return undefined;
  // The mode sets are the default set plus the mode's switch.
  return own.includes(sets.defaultSet) ? [...own, ...sets.modes.map((m) => m.parameter)] : own;
}

/**
 * The one parameter a piped value binds to (x-mfa.pipelineValue), if any.
 * @param {ListedOperation} op
 */
export function pipelineValueParameter(op) {
  const names = Object.entries(inputOf(op).properties ?? {}).filter(([, s]) => s['x-mfa']?.pipelineValue).map(([n]) => n);
  if (names.length > 1) throw new Error(`${op.cmdlet}: only one parameter can take piped values (${names.join(', ')})`);
  const name = names[0];
  if (name && inputOf(op).properties?.[name]['x-mfa']?.path) {
    throw new Error(`${op.cmdlet}: -${name} is a path; a path parameter takes objects by property name only`);
  }
  return name;
}

/**
 * Whether the cmdlet works on each piped object as it arrives (process block) or needs them all at once: a batch
 * operation (servers read or upgraded together, in parallel up to -ThrottleLimit, one plan for all) gathers its input
 * and starts when the pipeline ends. The help says which.
 * @param {ListedOperation} op
 */
export const streams = (op) => op.batching !== 'batch';

/** @param {ListedOperation} op */
export function pipelineHandling(op) {
  return streams(op)
    ? 'Each piped object is worked on as it arrives: its output goes down the pipeline before the next object is read.'
    : 'Piped objects are gathered and worked on together when the pipeline ends: the servers are handled at the same time (up to -ThrottleLimit) or in ' +
      'one plan, so output starts after the last object is read.';
}

/**
 * PowerShell objects that cannot cross into the core (x-mfa.psType): the parameter takes the object, and the transport
 * hands the core a plain stand-in (Invoke-MfaBroker.ps1, Split-MfaRemoting).
 */
/** @type {Record<string, string[]>} */
const OBJECT_TYPES = {
  // $null and [PSCredential]::Empty mean "no credential", as with PowerShell's own cmdlets (the transport drops them).
  PSCredential: ['[System.Management.Automation.Credential()]', '[System.Management.Automation.PSCredential]'],
  'PSSession[]': ['[ValidateNotNullOrEmpty()]', '[System.Management.Automation.Runspaces.PSSession[]]'],
  // A secret (-AccessToken): the transport turns it into text only inside the request it writes to the core's stdin.
  SecureString: ['[ValidateNotNull()]', '[System.Security.SecureString]'],
};

/** The parameter's type as written in the param() block. @param {ParameterSchema} schema */
export function psType(schema) {
  const objectType = schema['x-mfa']?.psType;
  if (objectType) {
    if (!OBJECT_TYPES[objectType]) throw new Error(`Unknown x-mfa.psType ${objectType}`);
    return OBJECT_TYPES[objectType].join('\n        ');
  }
  if (schema.enum) return '[string]';
  // A path parameter takes the object as given, so that the transport can resolve a FileInfo, DirectoryInfo or PathInfo
  // and refuse anything else by its type (ConvertTo-MfaCorePath): a [string] parameter would turn any object into text.
  if (schema['x-mfa']?.path) return schema.type === 'array' ? '[object[]]' : '[object]';
  switch (schema.type) {
    case 'string': return '[string]';
    case 'boolean': return '[switch]';
    case 'integer': return '[int]';
    case 'number': return '[double]';
    case 'array':
      if (schema.items?.type === 'string') return '[string[]]';
      if (schema.items?.type === 'integer') return '[int[]]';
      break;
  }
  throw new Error(`No PowerShell type for schema ${JSON.stringify(schema)}`);
}

/**
 * The values a parameter takes from a set: its enum, or its items' enum for a list. Empty when it is free.
 * @param {ParameterSchema} schema
 * @returns {string[]}
 */
export const allowedValues = (schema) => schema.enum ?? schema.items?.enum ?? [];
