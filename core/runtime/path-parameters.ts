/**
 * Every path parameter (x-mfa.path in a contract) of every pipeline object is checked before any handler runs
 * (util/windows-path.ts, pathParameterProblem): a path that is relative, drive-relative (`C:`), blank around it, holds a
 * control character, is too long, or is a Windows path where this machine has none, is refused naming the parameter,
 * the value and why. Handlers then resolve paths knowing they are full paths: nothing lands in the core's working
 * folder because a value was not what it seemed.
 */
import type { OperationContract } from '../cmdlets/contract/contract';
import { badRequest } from '../util/envelope';
import type { CoreError } from '../util/errors';
import { pathParameterProblem } from '../util/windows-path';

interface ParameterSchema {
  'x-mfa'?: { path?: boolean };
}

/** The names of a contract's path parameters. */
function pathParameters(contract: OperationContract): string[] {
  const properties = (contract.input as { properties?: Record<string, ParameterSchema> }).properties ?? {};
  return Object.entries(properties).filter(([, s]) => s['x-mfa']?.path === true).map(([name]) => name);
}

/**
 * A Windows path (C:\...) names something only on Windows, in a lab (where C:\ lies inside the lab server) or on the
 * remote servers the object names (whose own handlers say which paths they take there).
 */
function takesWindowsPaths(item: Record<string, unknown>): boolean {
  return process.platform === 'win32' || item.LabPath !== undefined || item.ComputerName !== undefined || item.Session !== undefined;
}

export function checkPathParameters(contract: OperationContract, items: unknown[]): CoreError | undefined {
  const names = pathParameters(contract);
  for (const [i, raw] of items.entries()) {
    const item = raw as Record<string, unknown>;
    for (const name of names) {
      const values = Array.isArray(item[name]) ? (item[name] as unknown[]) : [item[name]];
      for (const value of values) {
        if (typeof value !== 'string') continue; // absent (optional) or refused by the schema already
        // LabPath itself is a folder of this machine: never a Windows path elsewhere than on Windows.
        const problem = pathParameterProblem(value, { windowsPaths: name !== 'LabPath' && takesWindowsPaths(item) });
        if (problem === undefined) continue;
        const prefix = items.length > 1 ? `Input object ${i + 1}: ` : '';
        return badRequest('PathNotUsable', `${prefix}-${name} ${JSON.stringify(value)} is not a usable path: ${problem}.`, name, { item: i, value });
      }
    }
  }
  return undefined;
}
