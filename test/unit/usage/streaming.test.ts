// The usage feature streams: what it holds depends on the chunk size and the logs' variety (users, days, callers),
// never on their length. Proved structurally (bytes the reader held, entries the aggregates kept), never by timing
// or by the process's memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readLines } from '../../../core/usage/line-reader';
import { readServerUsage } from '../../../core/usage/index';
import { UsageAggregator } from '../../../core/usage/aggregator';
import { parseLine } from '../../../core/usage/line-parser';
import { userFilter } from '../../../core/usage/user-filter';
import { serviceLogHistory } from '../../../core/host/lab/service-log-history';
import { hostWithLogs, LOGS } from './helpers';

const USERS = Array.from({ length: 50 }, (_, i) => `CONTOSO\\user${i}`);
const history = (lines: number) => [...serviceLogHistory({ seed: 9, start: new Date('2024-04-01T00:00:00Z'), lines, stepMs: 30_000, users: USERS, garbage: 0.02, other: 0.1 })];

async function linesOf(content: Buffer | string, chunkBytes: number, maxLineBytes = 1024) {
  const host = await hostWithLogs([]);
  await host.writeFileAtomic(`${LOGS}\\f.log`, Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8'));
  const lines: Array<[string, number, boolean]> = [];
  const stats = await readLines(host, `${LOGS}\\f.log`, (l, n, cut) => lines.push([l, n, cut]), { chunkBytes, maxLineBytes });
  return { lines, stats };
}

test('lines split across chunks come out whole: CR LF, LF, a UTF-8 character cut by a chunk boundary, a BOM, no final line break', async () => {
  const text = '\uFEFFfirst line\r\nsecond: Björn Müller 陈伟\nthird\r\n\r\nlast without break';
  for (const chunk of [1, 2, 3, 5, 7, 64]) {
    const { lines, stats } = await linesOf(text, chunk);
    assert.deepEqual(lines.map(([l]) => l), ['first line', 'second: Björn Müller 陈伟', 'third', '', 'last without break'], `chunks of ${chunk}`);
    assert.deepEqual(lines.map(([, n]) => n), [1, 2, 3, 4, 5]);
    assert.equal(stats.bytes, Buffer.byteLength(text));
  }
});

test('the reader holds at most one chunk and one line however long the file: a 3 MiB file without a line break is cut, not kept', async () => {
  const noBreaks = Buffer.alloc(3 * 1024 * 1024, 0x41);
  const { lines, stats } = await linesOf(Buffer.concat([noBreaks, Buffer.from('\nafter\n')]), 64 * 1024, 4096);
  assert.equal(lines.length, 2);
  assert.deepEqual([lines[0][0].length, lines[0][2]], [4096, true], 'the long line comes cut, marked as such');
  assert.deepEqual(lines[1].slice(0, 1), ['after'], 'and reading goes on after it');
  assert.ok(stats.maxBufferedBytes <= 64 * 1024 + 4096, `held ${stats.maxBufferedBytes} bytes`);
});

test('the most bytes held does not grow with the size of the logs (1x vs 8x the lines)', async () => {
  const held = async (lines: number) => {
    const host = await hostWithLogs([['MultiFactorAuthSvc.log', history(lines)]]);
    return (await readServerUsage(host, { paths: [LOGS] }, undefined, { chunkBytes: 16 * 1024 })).MaxBufferedBytes;
  };
  const small = await held(2000);
  const large = await held(16000);
  assert.ok(large <= 16 * 1024 + 64 * 1024, `the reader held ${large} bytes for 16000 lines`);
  assert.ok(large <= small + 1024, `${large} bytes for 8x the lines vs ${small}: bounded by a chunk and a line, not by the file`);
});

test('the aggregates keep entries per user, day and caller: the same population and days in 8x the lines keep the same number', () => {
  const retained = (lines: number) => {
    const aggregator = new UsageAggregator(-Infinity, userFilter(undefined));
    // The same days for both: more lines, closer together.
    const step = (10 * 86_400_000) / lines;
    for (const [i, l] of [...serviceLogHistory({ seed: 5, start: new Date('2024-04-01T00:00:00Z'), lines, stepMs: step, users: USERS, garbage: 0.02, other: 0.1 })].entries()) {
      aggregator.add(parseLine(l.text), 'f.log', i + 1, l.text);
    }
    return { entries: aggregator.retainedEntries, unparsed: aggregator.unparsedLines };
  };
  const small = retained(20000);
  const large = retained(160000);
  assert.ok(large.unparsed > small.unparsed * 5, 'more lines were read (and counted)');
  // By 20000 lines nearly every tally holds all it can (its results, methods, callers, at most 20 addresses); the rare
  // result or address still arriving later adds a little, never in proportion to the lines (8x here).
  assert.ok(Math.abs(large.entries - small.entries) <= small.entries / 50, `kept ${small.entries} entries for 20000 lines and ${large.entries} for 160000`);
});

test('a longer span of days adds a bounded entry per day, not one per day and user', () => {
  const users = Array.from({ length: 300 }, (_, i) => `CONTOSO\\u${i}`);
  const retained = (days: number) => {
    const aggregator = new UsageAggregator(-Infinity, userFilter(undefined));
    const lines = 30000;
    for (const [i, l] of [...serviceLogHistory({ seed: 6, start: new Date('2024-01-01T00:00:00Z'), lines, stepMs: (days * 86_400_000) / lines, users })].entries()) {
      aggregator.add(parseLine(l.text), 'f.log', i + 1, l.text);
    }
    return aggregator.retainedEntries;
  };
  const short = retained(5);
  const long = retained(45);
  // A day keeps its results, methods, callers and addresses (a few dozen values); keeping its users would add ~300.
  assert.ok((long - short) / 40 <= 60, `${short} entries over 5 days, ${long} over 45: ${((long - short) / 40).toFixed(0)} more per day`);
});
