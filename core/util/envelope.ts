/** The stdout envelope and the CLI's exit codes: 0 success, 1 operation failed, 2 bad request. */
import { CoreError, type ErrorCode } from './errors';
import { redactor } from './secrets';
import type { PlannedAction } from './operation-context';
import { ERROR_CATALOG } from './error-catalog';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_REQUEST = 2;

export interface ErrorBody {
  code: string;
  message: string;
  target?: string;
  /** PowerShell ErrorCategory name the transport gives the ErrorRecord (from the error catalog). */
  category: string;
  /** What to do about it (the catalog's action): the ErrorRecord's RecommendedAction. */
  recommendedAction: string;
  details: Record<string, unknown>;
}

export type Envelope =
  | { ok: true; result: unknown[]; actions?: PlannedAction[] }
  | { ok: false; error: ErrorBody; errors?: ErrorBody[]; result?: unknown[]; actions?: PlannedAction[] };

/** A request the core refuses before any handler runs (exit 2). */
export class BadRequestError extends CoreError {}

/** Any thrown value as an error body; unexpected errors keep their message but get a code that says so. */
export function toErrorBody(e: unknown): ErrorBody {
  if (e instanceof CoreError) {
    const entry = ERROR_CATALOG[e.code];
    return {
      code: e.code,
      message: redactor.redact(e.message),
      target: e.target,
      category: entry.category,
      recommendedAction: entry.action,
      details: e.details,
    };
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const errno = (err as NodeJS.ErrnoException).code;
  return {
    code: 'InternalError',
    message: redactor.redact(`Unexpected error: ${err.message}`),
    category: ERROR_CATALOG.InternalError.category,
    recommendedAction: ERROR_CATALOG.InternalError.action,
    details: errno ? { errno } : {},
  };
}

export function badRequest(code: ErrorCode, message: string, target?: string, details: Record<string, unknown> = {}): BadRequestError {
  return new BadRequestError(code, message, target, details);
}
