import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createLimiter, mapSettled } from '../../../core/util/pool';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('never more than the limit at once, and every task runs', async () => {
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 25 }), async (limit, delays) => {
      let running = 0;
      let peak = 0;
      const outcomes = await mapSettled(delays, limit, async (d, i) => {
        running++;
        peak = Math.max(peak, running);
        await sleep(d);
        running--;
        return i;
      });
      assert.ok(peak <= limit, `peak ${peak} above limit ${limit}`);
      if (delays.length >= limit) assert.equal(peak, limit, 'the limit is used fully when there is enough work');
      assert.deepEqual(outcomes, delays.map((_, i) => ({ ok: true, value: i })));
    }),
    { numRuns: 40 },
  );
});

test('results keep the order of the inputs, not the order work finished in', async () => {
  const outcomes = await mapSettled(['slow', 'fast', 'medium'], 3, async (name) => {
    await sleep({ slow: 30, fast: 1, medium: 10 }[name]!);
    return name.toUpperCase();
  });
  assert.deepEqual(outcomes.map((o) => (o.ok ? o.value : null)), ['SLOW', 'FAST', 'MEDIUM']);
});

test('one failure is its own outcome; the others still complete', async () => {
  const outcomes = await mapSettled([1, 2, 3], 2, async (n) => {
    if (n === 2) throw new Error('server 2 is down');
    await sleep(5);
    return n * 10;
  });
  assert.deepEqual(outcomes[0], { ok: true, value: 10 });
  assert.equal(outcomes[1].ok, false);
  assert.match(String((outcomes[1] as { error: Error }).error.message), /server 2 is down/);
  assert.deepEqual(outcomes[2], { ok: true, value: 30 });
});

test('waiting tasks start in the order they were queued; a failure frees its slot', async () => {
  const limit = createLimiter(1);
  const started: number[] = [];
  const all = [0, 1, 2, 3].map((n) =>
    limit(async () => {
      started.push(n);
      await sleep(2);
      if (n === 1) throw new Error('fails');
      return n;
    }).catch(() => -1),
  );
  assert.deepEqual(await Promise.all(all), [0, -1, 2, 3]);
  assert.deepEqual(started, [0, 1, 2, 3]);
});

test('a limit below 1 or not a whole number is refused', () => {
  assert.throws(() => createLimiter(0), RangeError);
  assert.throws(() => createLimiter(1.5), RangeError);
});
