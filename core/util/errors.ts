import type { ErrorCode } from './error-catalog';

export type { ErrorCode } from './error-catalog';

/**
 * The one error type operations throw. `code` is stable per failure kind (admins and scripts match on it)
 * and must be a key of ERROR_CATALOG (core/util/error-catalog.ts), which gives its category, meaning and remedy;
 * `target` names the file, parameter or server at fault. Messages must never contain secrets.
 */
export class CoreError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly target?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'CoreError';
  }
}

export function isCoreError(e: unknown): e is CoreError {
  return e instanceof CoreError;
}

/**
 * The link to a remote server failed (lost, broken, damaged transfer), as opposed to the thing read there being bad.
 * Readers that skip one unreadable item with a warning must never skip these: a product or setting would look absent
 * when it was only out of reach.
 */
export function isLinkFailure(e: unknown): boolean {
  return isCoreError(e) && (e.code.startsWith('Remote') || e.code === 'TransferCorrupted' || e.code === 'SessionNotOpen');
}
