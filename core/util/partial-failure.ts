/**
 * Work over several servers where some failed: the handler throws this with the results that did come back and one
 * CoreError per failure, and the runtime reports both (ok:false, `result` plus one entry in `errors` per failure), so
 * one unreachable server never hides the others' output.
 */
import { CoreError } from './errors';

export class PartialFailure extends Error {
  constructor(
    readonly results: unknown[],
    readonly errors: CoreError[],
  ) {
    super(errors.map((e) => e.message).join(' '));
    this.name = 'PartialFailure';
  }
}

/** The results, or a PartialFailure carrying them when any server failed. */
export function resultsOrPartialFailure<R>(results: R[], errors: CoreError[]): R[] {
  if (errors.length > 0) throw new PartialFailure(results, errors);
  return results;
}

/** Any error as a CoreError, naming the server when the error does not already. */
export function serverError(e: unknown, server: string): CoreError {
  if (e instanceof CoreError) return e.message.includes(server) ? e : new CoreError(
    e.code,
    `[${server}] ${e.message}`,
    e.target ?? server,
    { ...e.details, computerName: server },
  );
  return new CoreError('InternalError', `[${server}] Unexpected error: ${(e as Error)?.message ?? String(e)}`, server, { computerName: server });
}
