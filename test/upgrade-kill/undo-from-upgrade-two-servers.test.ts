// Issue #25: the Undo from every stop and kill point of the upgrade (undo-from-upgrade.ts), on the two-server scenarios
// (a separate web server; an application server calling the SDK).
import { describe, test } from 'node:test';
import { undoFromEveryStop } from './undo-from-upgrade';

describe('an upgrade stopped after any step or killed before any write, then undone: every server is the server it was', () => {
  for (const scenario of ['SeparateWebServer', 'SdkConsumers']) test(scenario, () => undoFromEveryStop(scenario));
});
