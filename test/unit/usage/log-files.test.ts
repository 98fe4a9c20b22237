// Which files hold the service log and in which order (core/usage/log-files.ts): rolled-over copies found by name,
// ordered by their contents, the current file last.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isServiceLogName, logFilesAt, orderLogFiles, type LogFile } from '../../../core/usage/log-files';
import { hostWithLogs, LOGS } from './helpers';

test('names of the current file and of rolled-over copies count; other logs do not', () => {
  for (const name of ['MultiFactorAuthSvc.log', 'multifactorauthsvc.LOG', 'MultiFactorAuthSvc.log.1', 'MultiFactorAuthSvc.log.12', 'MultiFactorAuthSvc.1.log',
    'MultiFactorAuthSvc_2024-05-01.log', 'MultiFactorAuthSvc-20240501.log']) assert.equal(isServiceLogName(name), true, name);
  for (const name of ['MultiFactorAuthAdSyncSvc.log', 'MultiFactorAuthSvcBackup.log', 'MultiFactorAuthSvc.log.bak', 'pfsvc.log', 'MultiFactorAuthSvc.txt']) {
    assert.equal(isServiceLogName(name), false, name);
  }
});

const file = (path: string, firstTimestamp: string | null, mtimeMs = 0): LogFile => ({ path, firstTimestamp, mtimeMs, size: 1, files: undefined as never });

test('order: by first timestamp (not by name), files without one first by write time, the current file last', () => {
  const ordered = orderLogFiles([
    file('L\\MultiFactorAuthSvc.log', '2024-01-01T00:00:00Z'),
    file('L\\MultiFactorAuthSvc.log.1', '2024-03-01T00:00:00Z'),
    file('L\\MultiFactorAuthSvc.log.2', '2024-02-01T00:00:00.5Z'),
    file('L\\MultiFactorAuthSvc.log.3', '2024-02-01T00:00:00.25Z'),
    file('L\\MultiFactorAuthSvc_old.log', null, 20),
    file('L\\MultiFactorAuthSvc_older.log', null, 10),
  ]);
  assert.deepEqual(ordered.map((f) => f.path.slice(2)), [
    'MultiFactorAuthSvc_older.log', 'MultiFactorAuthSvc_old.log', 'MultiFactorAuthSvc.log.3', 'MultiFactorAuthSvc.log.2', 'MultiFactorAuthSvc.log.1',
    'MultiFactorAuthSvc.log',
  ]);
});

test('a folder lists its service logs with their first timestamps (after a BOM and leading garbage); a file is taken whatever its name', async () => {
  const line = (t: string) => ({ kind: 'other' as const, text: `${t}|i|1|2|pfsvc|Service started.` });
  const host = await hostWithLogs([
    ['MultiFactorAuthSvc.log', [{ kind: 'garbage', text: '\uFEFF   at Stack.Trace()' }, line('2024-05-02T00:00:00Z')]],
    ['MultiFactorAuthSvc.log.1', [line('2024-05-01T00:00:00Z')]],
    ['MultiFactorAuthAdSyncSvc.log', [line('2024-05-01T00:00:00Z')]],
    ['copy.txt', [line('2024-04-01T00:00:00Z')]],
  ]);
  const found = await logFilesAt(host, LOGS, '-Path');
  assert.deepEqual(found.map((f) => [f.path.replace(/^.*\\/, ''), f.firstTimestamp]).sort(), [
    ['MultiFactorAuthSvc.log', '2024-05-02T00:00:00Z'], ['MultiFactorAuthSvc.log.1', '2024-05-01T00:00:00Z'],
  ]);
  assert.deepEqual((await logFilesAt(host, `${LOGS}\\copy.txt`, '-Path')).map((f) => f.firstTimestamp), ['2024-04-01T00:00:00Z']);
});
