/**
 * The one error type operations throw. `code` is stable per failure kind (admins and scripts match on it);
 * `target` names the file, parameter or server at fault. Messages must never contain secrets.
 */
export class CoreError extends Error {
  constructor(
    readonly code: string,
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
