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

/**
 * The envelope in what a per-call core printed on stdout, found by the core's framing: one line holding a JSON object
 * with a boolean "ok" and its "result" (ok) or "error" (not ok), the last such line. Never all of stdout read as one
 * JSON text: anything else in the node process (a preloaded agent, an exit handler) may print before or after it, and
 * a core that answered must not be taken for one that ended without an answer. The module's transport reads the same
 * way (ps-module/src/Invoke-MfaCore.ps1, Find-MfaEnvelope).
 */
export function findEnvelope(stdout: string | null | undefined): Envelope | undefined {
  const lines = (stdout ?? '').split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    const text = lines[i].trim();
    if (!text.startsWith('{') || !text.endsWith('}')) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      continue;
    }
    const o = parsed as Record<string, unknown>;
    if (typeof o.ok === 'boolean' && (o.ok ? Array.isArray(o.result) : typeof o.error === 'object' && o.error !== null)) return parsed as Envelope;
  }
  return undefined;
}
