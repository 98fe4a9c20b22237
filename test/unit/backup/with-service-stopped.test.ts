import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withServiceStopped } from '../../../core/backup/with-service-stopped';
import { CoreError } from '../../../core/util/errors';
import { LocalFolderHost } from './local-folder-host';

function hostWith(state: 'Running' | 'Stopped') {
  const host = new LocalFolderHost('/nonexistent');
  host.services.set('MultiFactorAuth', { name: 'MultiFactorAuth', displayName: 'Multi-Factor Authentication Server', state, startType: 'Automatic' });
  return host;
}

describe('withServiceStopped', () => {
  it('stops a running service for the work and starts it again', async () => {
    const host = hostWith('Running');
    const seen = await withServiceStopped(host, 'MultiFactorAuth', async () => (await host.getService('MultiFactorAuth'))!.state);
    assert.equal(seen, 'Stopped');
    assert.deepEqual(host.serviceLog, ['stop MultiFactorAuth', 'start MultiFactorAuth']);
  });

  it('starts the service again when the work fails, and rethrows the work error', async () => {
    const host = hostWith('Running');
    await assert.rejects(
      withServiceStopped(host, 'MultiFactorAuth', async () => {
        throw new CoreError('DiskFull', 'full');
      }),
      (e: CoreError) => e.code === 'DiskFull',
    );
    assert.deepEqual(host.serviceLog, ['stop MultiFactorAuth', 'start MultiFactorAuth']);
    assert.equal((await host.getService('MultiFactorAuth'))!.state, 'Running');
  });

  it('leaves an already stopped service stopped', async () => {
    const host = hostWith('Stopped');
    await withServiceStopped(host, 'MultiFactorAuth', async () => undefined);
    assert.deepEqual(host.serviceLog, []);
  });

  it('reports a service that will not start again, and an unknown service', async () => {
    const host = hostWith('Running');
    host.failStart = true;
    await assert.rejects(withServiceStopped(host, 'MultiFactorAuth', async () => 1), (e: CoreError) => e.code === 'ServiceRestartFailed');
    host.services.get('MultiFactorAuth')!.state = 'Running';
    await assert.rejects(
      withServiceStopped(host, 'MultiFactorAuth', async () => {
        throw new CoreError('DiskFull', 'full');
      }),
      (e: CoreError) => e.code === 'DiskFull' && typeof e.details.serviceRestartFailed === 'string',
    );
    await assert.rejects(withServiceStopped(host, 'Nope', async () => 1), (e: CoreError) => e.code === 'ServiceNotFound');
  });
});
