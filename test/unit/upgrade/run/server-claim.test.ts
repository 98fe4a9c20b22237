// The claim a run writes on each server it upgrades: two runs that start at the same moment do not both go on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimServers, releaseServers, CLAIM_FILE } from '../../../../core/upgrade/run/server-claim';
import { newLab } from '../../host/lab/helpers';
import type { CoreError } from '../../../../core/util/errors';

async function claimTogether(scenario: 'SingleServer' | 'SeparateWebServer') {
  const { hosts } = await newLab(scenario);
  // Both read before either writes (the reads are awaited first in each); the settle time (generous: writes fsync, and
  // this machine may be loaded) lets both writes land before either reads back.
  const folders = ['/runs/admin-a', '/runs/admin-b'];
  const outcomes = await Promise.allSettled(folders.map((f) => claimServers(hosts, f, 300)));
  const winners = folders.filter((_, i) => outcomes[i].status === 'fulfilled');
  const refusals = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as CoreError).code);
  const claims: (string | undefined)[] = [];
  for (const host of hosts) claims.push((await host.stat(CLAIM_FILE)) ? JSON.parse((await host.readFile(CLAIM_FILE)).toString('utf8')).runFolder : undefined);
  return { hosts, winners, refusals, claims };
}

test('two runs that both found a server unclaimed: exactly one goes on and owns it; the other is refused', async () => {
  const { hosts, winners, refusals, claims } = await claimTogether('SingleServer');
  assert.equal(winners.length, 1);
  assert.deepEqual(refusals, ['ServerClaimedByOtherRun']);
  assert.deepEqual(claims, [winners[0]]);
  await releaseServers(hosts, winners[0]);
  assert.equal(await hosts[0].stat(CLAIM_FILE), undefined);
});

test('two runs claiming two servers at the same moment never both go on; a run refused leaves no claim of its own', async () => {
  for (let round = 0; round < 5; round++) {
    const { winners, refusals, claims } = await claimTogether('SeparateWebServer');
    assert.ok(winners.length <= 1, `round ${round}: ${winners.join(', ')} both went on`);
    assert.equal(refusals.length, 2 - winners.length);
    assert.ok(refusals.every((c) => c === 'ServerClaimedByOtherRun'), `round ${round}: refused with ${refusals.join(', ')}`);
    // Whatever claims are left belong to the run that went on.
    for (const claim of claims) assert.ok(claim === undefined || claim === winners[0], `round ${round}: a claim of ${claim} was left`);
    if (winners.length === 1) assert.deepEqual(claims, [winners[0], winners[0]]);
  }
});

test('a run claiming servers it already owns (a -Resume) does not wait, and another run is refused before writing', async () => {
  const { hosts } = await newLab('SingleServer');
  await claimServers(hosts, '/runs/admin-a', 0);
  const started = Date.now();
  await claimServers(hosts, '/runs/admin-a', 10_000);
  assert.ok(Date.now() - started < 5_000, 'no settle wait for servers this run already owned');
  await assert.rejects(claimServers(hosts, '/runs/admin-b', 0), { code: 'ServerClaimedByOtherRun' });
  assert.equal(JSON.parse((await hosts[0].readFile(CLAIM_FILE)).toString('utf8')).runFolder, '/runs/admin-a');
});
