// Issue #14: one Host contract (core/host/host.ts) that every adapter keeps. Each case of cases.ts runs against each
// adapter of adapters.ts. A case an adapter is known to fail is an expected failure with its reason: it passes while
// it fails and fails once it passes, so the list only ever shrinks. A case needing a capability the adapter entry
// lacks is skipped with the reason in its title and in the skip message.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ADAPTERS, removeTempFolders } from './adapters';
import { CASES } from './cases';

after(() => removeTempFolders());

for (const adapter of ADAPTERS) {
  describe(`Host contract: ${adapter.name}`, { skip: adapter.skip || false }, () => {
    if (adapter.setUp) before(() => adapter.setUp!());
    if (adapter.tearDown) after(() => adapter.tearDown!());
    for (const c of CASES) {
      const expected = adapter.expectedFailures?.[c.id];
      test(`${expected ? '[expected failure] ' : ''}${c.id}: ${c.title}`, async (t) => {
        const fixture = await adapter.open();
        try {
          const missing = c.needs?.(fixture);
          if (missing) {
            t.skip(`not covered for ${adapter.name}: ${missing}`);
            return;
          }
          let failure: unknown;
          try {
            await c.run(fixture);
          } catch (e) {
            failure = e;
          }
          if (expected === undefined) {
            // eslint-disable-next-line @typescript-eslint/only-throw-error -- rethrows the case's own failure unchanged
            if (failure) throw failure;
            return;
          }
          assert.ok(failure, `${c.id} now passes on ${adapter.name}: remove it from its expectedFailures ("${expected}")`);
          t.diagnostic(`expected failure (${expected}): ${(failure as Error).message.split('\n')[0]}`);
        } finally {
          await fixture.close();
        }
      });
    }
  });
}
