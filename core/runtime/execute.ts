/**
 * Runs one CLI request: parse → validate every pipeline object → run the handler → one envelope.
 * Nothing reaches a handler before all input is valid.
 */
import type { OperationContract } from '../cmdlets/contract/contract';
import type { OperationContext, PlannedAction } from '../util/operation-context';
import { CoreError } from '../util/errors';
import { PartialFailure } from '../util/partial-failure';
import { badRequest, EXIT_BAD_REQUEST, EXIT_FAILED, EXIT_OK, toErrorBody, type Envelope, type ErrorBody } from '../util/envelope';
import type { EventSink } from './events';
import { commandWatcherFor, watchCommands } from '../host/command-watch';
import { validateItems, type StandaloneValidator } from './validate';
import { checkPathParameters } from './path-parameters';
import { canonicalInput } from './canonical-input';
import { callerFacts, type CallerFacts } from '../util/caller-facts';

export interface Request {
  items: unknown[];
  dryRun: boolean;
  /** Action ids the caller approved (ShouldProcess); absent = all. */
  approvedActions?: string[];
  /** Who called: the transport's `caller` facts, completed from this process for any it did not give. */
  caller?: CallerFacts;
}

export function parseRequest(text: string): Request {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw badRequest('MalformedRequest', `The request on stdin is not valid JSON: ${(e as Error).message}`, 'stdin');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badRequest('MalformedRequest', 'The request on stdin must be a JSON object.', 'stdin');
  }
  const obj = raw as Record<string, unknown>;
  // A batch is {"items":[…], "dryRun":…}; anything else is a single pipeline object. Parameter names are
  // PascalCase, so the lowercase envelope fields cannot collide with them.
  const isBatch = Array.isArray(obj.items);
  const items = isBatch ? (obj.items as unknown[]) : [withoutEnvelopeFields(obj)];
  if (obj.dryRun !== undefined && typeof obj.dryRun !== 'boolean') {
    throw badRequest('MalformedRequest', '/dryRun must be boolean', 'dryRun');
  }
  const approved = obj.approvedActions;
  if (approved !== undefined && !(Array.isArray(approved) && approved.every((a): a is string => typeof a === 'string'))) {
    throw badRequest('MalformedRequest', '/approvedActions must be an array of strings', 'approvedActions');
  }
  return { items, dryRun: obj.dryRun === true, approvedActions: approved, caller: callerFacts(parseCaller(obj.caller)) };
}

/** `caller`: an object of optional non-empty strings (account, machine, moduleManifest), nothing else. */
function parseCaller(raw: unknown): Partial<CallerFacts> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw badRequest('MalformedRequest', '/caller must be an object', 'caller');
  const out: Partial<CallerFacts> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key !== 'account' && key !== 'machine' && key !== 'moduleManifest') {
      throw badRequest('MalformedRequest', `/caller/${key} is not a caller fact (account, machine, moduleManifest)`, 'caller');
    }
    if (value === null || value === undefined || value === '') continue;
    if (typeof value !== 'string') throw badRequest('MalformedRequest', `/caller/${key} must be a string`, 'caller');
    out[key] = value;
  }
  return out;
}

function withoutEnvelopeFields(obj: Record<string, unknown>): Record<string, unknown> {
  const { dryRun: _d, approvedActions: _a, caller: _c, ...rest } = obj;
  return rest;
}

export interface Outcome {
  envelope: Envelope;
  exitCode: number;
}

export async function execute(
  contract: OperationContract,
  validate: StandaloneValidator,
  request: Request,
  sink: EventSink,
  toolVersion: string,
): Promise<Outcome> {
  // No item is no work asked for: say so plainly (exit 2) rather than let an operation that works over all its items
  // at once meet an empty list (once: InternalError "throttle limit ... Infinity", "reading 'InstallerPath'").
  // The module never sends one: an empty pipeline ends in the transport.
  if (request.items.length === 0) {
    return failure(
      badRequest('EmptyRequest', `The request to ${contract.name} holds no items: give at least one object in "items".`, 'items'),
      EXIT_BAD_REQUEST,
    );
  }
  request.items = request.items.map((item) => canonicalInput(contract.input, item));
  const invalid = validateItems(contract.name, validate, request.items) ?? checkPathParameters(contract, request.items);
  if (invalid) return failure(invalid, EXIT_BAD_REQUEST);
  if (request.dryRun && !contract.changesState) {
    return failure(badRequest('DryRunNotSupported', `${contract.name} changes nothing; dryRun does not apply.`, 'dryRun'), EXIT_BAD_REQUEST);
  }

  const actions: PlannedAction[] = [];
  const ctx = makeContext(request, sink, toolVersion, actions);
  const results: unknown[] = [];
  const errors: ErrorBody[] = [];
  const units = contract.batching === 'batch' ? [request.items] : request.items.map((i) => [i]);
  for (const [index, unit] of units.entries()) {
    try {
      // Programs the Windows adapter starts report what they wait for through this operation's progress and log.
      results.push(...(await watchCommands(commandWatcherFor(ctx), () => contract.handler(unit as never[], ctx))));
    } catch (e) {
      // Work over several servers where some failed: keep what succeeded, one error per failed server.
      if (e instanceof PartialFailure) results.push(...e.results);
      for (const failed of e instanceof PartialFailure ? e.errors : [e]) {
        const body = toErrorBody(failed);
        // Which pipeline object failed, when each is its own unit: the transport leaves it out of the real run.
        if (contract.batching !== 'batch') body.details = { ...body.details, item: index };
        errors.push(body);
      }
    }
  }
  const withActions = contract.changesState ? { actions } : {};
  if (errors.length === 0) return { envelope: { ok: true, result: results, ...withActions }, exitCode: EXIT_OK };
  return {
    envelope: { ok: false, error: errors[0], errors, result: results, ...withActions },
    exitCode: EXIT_FAILED,
  };
}

function makeContext(request: Request, sink: EventSink, toolVersion: string, actions: PlannedAction[]): OperationContext {
  const approved = request.approvedActions ? new Set(request.approvedActions) : undefined;
  return {
    dryRun: request.dryRun,
    toolVersion,
    caller: request.caller ?? callerFacts(),
    progress: (activity, status, percent) => sink({ event: 'progress', activity, status, percent }),
    // A dry run is followed by the real run, which logs the same lines: only warnings are worth showing twice, and the
    // information lines that only a dry run says (the real run never ends as a dry run).
    log: (level, message) => (request.dryRun && (level === 'verbose' || level === 'info') ? undefined : sink({ event: 'log', level, message })),
    announceRun: (records) => (request.dryRun ? undefined : sink({ event: 'run', ...records, processId: process.pid })),
    async act(given, run) {
      const action = oneLineAction(given);
      actions.push(action);
      if (request.dryRun) return undefined;
      if (approved && !approved.has(action.id)) {
        sink({ event: 'log', level: 'verbose', message: `Skipped (not approved): ${action.description} on ${action.target}` });
        return undefined;
      }
      return run();
    },
  };
}

/**
 * ShouldProcess shows target and action on one line each ("Performing the operation X on target Y"): a text that
 * runs over several lines (a backup listing every file) is cut to its first line and the rest becomes details,
 * which the transport writes with Write-Verbose.
 */
export function oneLineAction(action: PlannedAction): PlannedAction {
  const [description, ...more] = action.description.split(/\r?\n/);
  const [target, ...moreTarget] = action.target.split(/\r?\n/);
  const details = [...moreTarget, ...more, ...(action.details ?? [])].map((d) => d.trim()).filter(Boolean);
  return details.length ? { ...action, target, description, details } : { ...action, target, description };
}

export function failure(e: CoreError, exitCode: number): Outcome {
  return { envelope: { ok: false, error: toErrorBody(e) }, exitCode };
}
