import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { FakeClock, fixture, REG, RecordedCommandRunner, SC, type RecordedCommand } from './recorded-command-runner';

function hostWith(script: RecordedCommand[]) {
  const runner = new RecordedCommandRunner(script);
  const clock = new FakeClock();
  const host = new WindowsHost({ runner, clock, systemRoot: 'C:\\Windows', is64Bit: true, serviceTimeoutMs: 10_000, servicePollMs: 500 });
  return { runner, clock, host };
}

const query = (stdoutFile: string, exitCode = 0): RecordedCommand => ({ commandLine: `${SC} query MultiFactorAuth`, stdout: fixture(stdoutFile), exitCode });

test('getService combines sc query (state) and sc qc (start type, display name)', async () => {
  const { runner, host } = hostWith([query('sc-query-running.txt'), { commandLine: `${SC} qc MultiFactorAuth`, stdout: fixture('sc-qc-multifactorauth.txt') }]);
  assert.deepEqual(await host.getService('MultiFactorAuth'), {
    name: 'MultiFactorAuth',
    displayName: 'Multi-Factor Authentication Server',
    state: 'Running',
    startType: 'Automatic',
  });
  runner.assertAllRan();
});

test('a DEMAND_START service is Manual; STOPPED is Stopped', async () => {
  const { host } = hostWith([
    { commandLine: `${SC} query MultiFactorAuthAdSync`, stdout: fixture('sc-query-stopped.txt') },
    { commandLine: `${SC} qc MultiFactorAuthAdSync`, stdout: fixture('sc-qc-adsync.txt') },
  ]);
  const info = await host.getService('MultiFactorAuthAdSync');
  assert.equal(info?.state, 'Stopped');
  assert.equal(info?.startType, 'Manual');
  assert.equal(info?.displayName, 'Multi-Factor Authentication AD Sync');
});

test('sc error 1060 means the service does not exist', async () => {
  const { runner, host } = hostWith([{ commandLine: `${SC} query PFSVC`, exitCode: 1060, stdout: fixture('sc-query-1060.txt') }]);
  assert.equal(await host.getService('PFSVC'), undefined);
  runner.assertAllRan();
});

test('listServices reads sc query type= service state= all and the start types from one reg query /s', async () => {
  const { runner, host } = hostWith([
    { commandLine: `${SC} query type= service state= all`, stdout: fixture('sc-query-all.txt') },
    { commandLine: `${REG} query HKLM\\SYSTEM\\CurrentControlSet\\Services /s /v Start /reg:64`, stdout: fixture('reg-query-services-start-64.txt') },
  ]);
  const services = await host.listServices();
  runner.assertAllRan();
  assert.deepEqual(services, [
    { name: 'AppIDSvc', displayName: 'Application Identity', state: 'Stopped', startType: 'Manual' },
    { name: 'MultiFactorAuth', displayName: 'Multi-Factor Authentication Server', state: 'Running', startType: 'Automatic' },
    { name: 'MultiFactorAuthAdSync', displayName: 'Multi-Factor Authentication AD Sync', state: 'Stopped', startType: 'Manual' },
    // PFSVC's own Start is 4; the Start=0 under PFSVC\Parameters\Legacy must not override it.
    { name: 'PFSVC', displayName: 'PhoneFactor Service', state: 'Stopped', startType: 'Disabled' },
    // No Start value in the registry output: Manual.
    { name: 'W3SVC', displayName: 'World Wide Web Publishing Service', state: 'Running', startType: 'Manual' },
  ]);
});

test('stopService sends sc stop, then polls sc query until STOPPED', async () => {
  const { runner, clock, host } = hostWith([
    query('sc-query-running.txt'),
    { commandLine: `${SC} stop MultiFactorAuth`, stdout: fixture('sc-stop-stop-pending.txt') },
    query('sc-query-stop-pending.txt'),
    query('sc-query-stop-pending.txt'),
    query('sc-query-stopped.txt'),
  ]);
  await host.stopService('MultiFactorAuth');
  runner.assertAllRan();
  assert.deepEqual(clock.sleeps, [500, 500, 500]);
});

test('stopService on a stopped service sends nothing', async () => {
  const { runner, host } = hostWith([query('sc-query-stopped.txt')]);
  await host.stopService('MultiFactorAuth');
  runner.assertAllRan();
});

test('stopService gives up with ServiceStopTimedOut when the service stays in STOP_PENDING', async () => {
  const script: RecordedCommand[] = [query('sc-query-running.txt'), { commandLine: `${SC} stop MultiFactorAuth`, stdout: fixture('sc-stop-stop-pending.txt') }];
  // 10 s timeout, 0.5 s polls: 21 queries in all (t = 0 .. 10 s), then it must stop asking.
  for (let i = 0; i < 20; i++) script.push(query('sc-query-stop-pending.txt'));
  const { runner, host } = hostWith(script);
  await assert.rejects(host.stopService('MultiFactorAuth'), { code: 'ServiceStopTimedOut', target: 'MultiFactorAuth', message: /StopPending/ });
  runner.assertAllRan();
});

test('stopService of a missing service fails with ServiceNotFound', async () => {
  const { host } = hostWith([query('sc-query-1060.txt', 1060)]);
  await assert.rejects(host.stopService('MultiFactorAuth'), { code: 'ServiceNotFound' });
});

test('startService retries a control the service cannot accept yet (1061), then polls until RUNNING', async () => {
  const { runner, host } = hostWith([
    query('sc-query-stop-pending.txt'),
    query('sc-query-stopped.txt'),
    { commandLine: `${SC} start MultiFactorAuth`, exitCode: 1061, stdout: '[SC] StartService FAILED 1061:\r\n\r\nThe service cannot accept control messages at this time.\r\n' },
    query('sc-query-stopped.txt'),
    { commandLine: `${SC} start MultiFactorAuth`, stdout: fixture('sc-start-start-pending.txt') },
    { ...query('sc-query-running.txt') },
  ]);
  await host.startService('MultiFactorAuth');
  runner.assertAllRan();
});

test('a failing sc start is reported with its code', async () => {
  const { host } = hostWith([
    query('sc-query-stopped.txt'),
    { commandLine: `${SC} start MultiFactorAuth`, exitCode: 1058, stdout: '[SC] StartService FAILED 1058:\r\n\r\nThe service cannot be started, either because it is disabled or because it has no enabled devices associated with it.\r\n' },
  ]);
  await assert.rejects(host.startService('MultiFactorAuth'), { code: 'ServiceControlFailed', message: /1058.*disabled/s });
});
