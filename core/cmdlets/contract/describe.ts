/** The JSON form of the contracts (`mfa-core --list`): what the module generator and the docs are built from. */
import type { OperationContract } from './contract';
import { ERROR_CATALOG } from '../../util/error-catalog';
import { EXIT_CODE_MEANINGS, UNDO_EXIT_CODE_MEANINGS } from '../../domain/upgrade-exit-codes';
import { EXIT_BAD_REQUEST, EXIT_FAILED, EXIT_OK } from '../../util/envelope';

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
      ownProcess: Boolean(o.ownProcess),
      batching: o.batching ?? 'perItem',
      outputTypeName: o.outputTypeName,
      outputModes: o.outputModes ?? [],
      internal: Boolean(o.internal),
      view: o.view,
      // JSON.stringify drops TypeBox's symbol keys: what remains is plain JSON Schema.
      input: JSON.parse(JSON.stringify(o.input)) as Record<string, unknown>,
      output: JSON.parse(JSON.stringify(o.output)) as Record<string, unknown>,
    })),
    // The error catalog and the exit codes: the generator publishes them as about_MfaServerUpgrade_Errors.
    errors: Object.entries(ERROR_CATALOG).map(([code, entry]) => ({ code, ...entry })),
    upgradeExitCodes: EXIT_CODE_MEANINGS,
    undoExitCodes: UNDO_EXIT_CODE_MEANINGS,
    coreExitCodes: [
      { code: EXIT_OK, meaning: 'The operation succeeded.' },
      { code: EXIT_FAILED, meaning: 'The operation failed (an error record per failed object).' },
      { code: EXIT_BAD_REQUEST, meaning: 'The request was refused before anything ran (a parameter, an unknown operation).' },
    ],
  };
}
