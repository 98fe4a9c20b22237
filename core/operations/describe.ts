/** The JSON form of the contracts (`mfa-core --list`): what the module generator and the docs are built from. */
import type { OperationContract } from './contract';

export function describeContracts(ops: OperationContract[], version: string) {
  return {
    version,
    operations: ops.map((o) => ({
      name: o.name,
      cmdlet: o.cmdlet,
      synopsis: o.synopsis,
      description: o.description,
      examples: o.examples,
      links: o.links ?? [],
      changesState: Boolean(o.changesState),
      confirmImpact: o.changesState?.confirmImpact ?? null,
      timeoutSeconds: o.timeoutSeconds ?? 600,
      outputTypeName: o.outputTypeName,
      view: o.view,
      // JSON.stringify drops TypeBox's symbol keys: what remains is plain JSON Schema.
      input: JSON.parse(JSON.stringify(o.input)),
      output: JSON.parse(JSON.stringify(o.output)),
    })),
  };
}
