/** Every operation, in the order `mfa-core --list` and the module show them. */
import type { OperationContract } from './contract';
import { echo } from './scratch-echo';

export const operations: OperationContract[] = [echo as unknown as OperationContract];

export function findOperation(name: string): OperationContract | undefined {
  return operations.find((o) => o.name === name);
}
