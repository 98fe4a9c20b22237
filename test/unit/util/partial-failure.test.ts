// A batch operation over several servers where one failed: the envelope carries the other servers' results AND one
// error per failed server (ok:false), which the PowerShell transport turns into output objects plus ErrorRecords.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Type } from '@sinclair/typebox';
import { execute } from '../../../core/runtime/execute';
import { defineOperation, type OperationContract } from '../../../core/cmdlets/contract/contract';
import { CoreError } from '../../../core/util/errors';
import { resultsOrPartialFailure, serverError } from '../../../core/util/partial-failure';
import type { StandaloneValidator } from '../../../core/runtime/validate';

const acceptAll: StandaloneValidator = () => true;

function fakeOperation(batching: 'batch' | 'perItem'): OperationContract {
  const contract = defineOperation({
    name: 'fake',
    cmdlet: 'Get-Fake',
    synopsis: '',
    description: '',
    examples: [],
    input: Type.Object({ Servers: Type.Array(Type.String()) }),
    output: Type.Object({ Server: Type.String() }),
    outputTypeName: 'Fake',
    view: { table: ['Server'] },
    batching,
    handler: async (items) => {
      const results: { Server: string }[] = [];
      const errors: CoreError[] = [];
      for (const server of items.flatMap((i) => i.Servers)) {
        if (server.startsWith('down')) errors.push(serverError(new CoreError('RemoteUnreachable', 'Cannot open a session.'), server));
        else results.push({ Server: server });
      }
      return resultsOrPartialFailure(results, errors);
    },
  });
  // The runtime takes any contract (as cli.ts does with the registry's).
  return contract as unknown as OperationContract;
}

test('batch: the reachable servers\' results come back with one error per failed server', async () => {
  const outcome = await execute(fakeOperation('batch'), acceptAll, { items: [{ Servers: ['MFA01', 'down1', 'WEB01', 'down2'] }], dryRun: false }, () => undefined, '0.0.0');
  assert.equal(outcome.exitCode, 1);
  const env = outcome.envelope;
  assert.equal(env.ok, false);
  assert.deepEqual(env.result, [{ Server: 'MFA01' }, { Server: 'WEB01' }]);
  if (env.ok) return;
  assert.deepEqual(env.errors?.map((e) => [e.code, e.message, e.target]), [
    ['RemoteUnreachable', '[down1] Cannot open a session.', 'down1'],
    ['RemoteUnreachable', '[down2] Cannot open a session.', 'down2'],
  ]);
  assert.equal(env.error.code, 'RemoteUnreachable');
});

test('perItem: each error keeps the index of its pipeline object', async () => {
  const outcome = await execute(fakeOperation('perItem'), acceptAll, { items: [{ Servers: ['A'] }, { Servers: ['B', 'down3'] }], dryRun: false }, () => undefined, '0.0.0');
  const env = outcome.envelope;
  assert.deepEqual(env.result, [{ Server: 'A' }, { Server: 'B' }]);
  if (env.ok) return assert.fail('expected a failure');
  assert.equal(env.errors?.length, 1);
  assert.equal(env.errors?.[0].details.item, 1);
});

test('no failure: a plain ok envelope', async () => {
  const outcome = await execute(fakeOperation('batch'), acceptAll, { items: [{ Servers: ['A', 'B'] }], dryRun: false }, () => undefined, '0.0.0');
  assert.deepEqual(outcome.envelope, { ok: true, result: [{ Server: 'A' }, { Server: 'B' }] });
});

test('serverError names the server once, and wraps what is not a CoreError', () => {
  const named = new CoreError('RemoteUnreachable', '[MFA01] already named');
  assert.equal(serverError(named, 'MFA01'), named);
  const wrapped = serverError(new Error('boom'), 'WEB01');
  assert.equal(wrapped.code, 'InternalError');
  assert.match(wrapped.message, /^\[WEB01\] Unexpected error: boom$/);
  assert.equal(wrapped.details.computerName, 'WEB01');
});
