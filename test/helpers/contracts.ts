/** The operation contracts as the built core lists them (`mfa-core --list`): what the module must reflect. */
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { modulePath } from './pwsh';

export const corePath = path.join(modulePath, 'lib', 'mfa-core.cjs');

export interface ListedOperation {
  name: string;
  cmdlet: string;
  synopsis: string;
  changesState: boolean;
  confirmImpact: string | null;
  outputTypeName: string;
  outputModes: { parameter: string; outputType: string }[];
  internal: boolean;
  view: { table: (string | { property: string; width?: number; label?: string })[]; groupBy?: string } | { list: string[] };
  output: Record<string, unknown>;
  examples: { title: string; code: string }[];
  input: { properties: Record<string, { type?: string; enum?: string[]; items?: { type?: string; enum?: string[] }; description?: string; 'x-mfa'?: { pipeline?: boolean; pipelineValue?: boolean; aliases?: string[]; path?: boolean; psType?: string; sets?: string[]; mandatoryInSets?: boolean } }>; required?: string[] };
}

/** The operations that are cmdlets (internal plumbing such as host-call has none). */
export function listedOperations(): ListedOperation[] {
  return allListedOperations().filter((o) => !o.internal);
}

/** Every operation the core knows, internal ones included. */
export function allListedOperations(): ListedOperation[] {
  return JSON.parse(execFileSync(process.execPath, [corePath, '--list'], { encoding: 'utf8' })).operations;
}

/** Run the bundled core directly: request on stdin, envelope and exit code back. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the envelope is JSON the core printed; tests poke at it like module output
export function runCore(operation: string, request: unknown, env: NodeJS.ProcessEnv = process.env): { exitCode: number; envelope: any; stderr: string } {
  const r = spawnSync(process.execPath, [corePath, operation], { input: typeof request === 'string' ? request : JSON.stringify(request), encoding: 'utf8', env });
  return { exitCode: r.status ?? -1, envelope: r.stdout ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}
