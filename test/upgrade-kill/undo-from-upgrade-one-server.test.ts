// Issue #25: the Undo from every stop and kill point of the upgrade (undo-from-upgrade.ts), on the one-server scenarios
// (the two-server ones: undo-from-upgrade-two-servers.test.ts). CachedPackageOnly and NoCachedPackage have no way
// back: the Undo refuses them before it changes anything (test/e2e/undo.test.ts).
import { describe, test } from 'node:test';
import { undoFromEveryStop } from './undo-from-upgrade';

describe('an upgrade stopped after any step or killed before any write, then undone: the lab is the lab it was', () => {
  for (const scenario of ['SingleServer', 'AgentOnly', 'CustomNames', 'ActivationFails']) test(scenario, () => undoFromEveryStop(scenario));
});
