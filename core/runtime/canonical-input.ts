/**
 * What a PowerShell user types, as the contract names it, before the input is validated:
 * - names ignore case, as they do everywhere in PowerShell: a value of any enum-like parameter (a string enum, or a
 *   list of them) given in another case is the contract's own spelling (`-SkipReadiness pendingrestart` is
 *   PendingRestart, and is recorded so). The generated ValidateSet already ignores case; the core now agrees with it,
 *   for every parameter of every operation, whatever its caller.
 * - an optional list given as $null (`-SkipReadiness $null`) is no list: the parameter is left out, as if not given.
 * Anything else is left as it is, for the validator to judge and name.
 */
interface SchemaNode {
  type?: string;
  enum?: unknown[];
  items?: SchemaNode;
  properties?: Record<string, SchemaNode>;
  required?: string[];
}

export function canonicalInput(schema: unknown, item: unknown): unknown {
  const node = schema as SchemaNode;
  if (!node.properties || item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  const out: Record<string, unknown> = { ...(item as Record<string, unknown>) };
  for (const [name, property] of Object.entries(node.properties)) {
    if (!(name in out)) continue;
    if (out[name] === null && property.type === 'array' && !(node.required ?? []).includes(name)) {
      delete out[name];
      continue;
    }
    out[name] = canonicalValue(property, out[name]);
  }
  return out;
}

function canonicalValue(schema: SchemaNode, value: unknown): unknown {
  if (Array.isArray(value) && schema.items) return value.map((v) => canonicalValue(schema.items!, v));
  if (typeof value !== 'string' || !schema.enum) return value;
  const wanted = value.toLowerCase();
  const match = schema.enum.filter((e): e is string => typeof e === 'string' && e.toLowerCase() === wanted);
  return match.length === 1 ? match[0] : value;
}
