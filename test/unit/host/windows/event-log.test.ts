// The Application event log through eventcreate.exe: the exact command line, what is refused before it runs, and a
// refusal by Windows as EventLogWriteFailed. The lab keeps the same rule (core/host/event-log.ts).
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { WindowsHost } from '../../../../core/host/windows/windows-host';
import { CoreError } from '../../../../core/util/errors';
import { LAB_EVENT_LOG } from '../../../../core/host/lab/lab-host';
import { newLab } from '../lab/helpers';
import { RecordedCommandRunner } from './recorded-command-runner';

const EVENTCREATE = 'C:\\Windows\\System32\\eventcreate.exe';

test('writeEventLog runs eventcreate /L APPLICATION with type, source, id and the message as one argument', async () => {
  const runner = new RecordedCommandRunner([
    {
      commandLine: `${EVENTCREATE} /L APPLICATION /T ERROR /SO MfaServerUpgrade /ID 104 /D "The upgrade of MFA01 ended: Failed, exit code 69002. Say \\"why\\" here."`,
      stdout: 'SUCCESS: An event of type \'ERROR\' was created in the \'APPLICATION\' log with \'MfaServerUpgrade\' as the source.\r\n',
    },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', computerName: 'MFA01', is64Bit: true, tempDirectory: await mkdtemp(join(tmpdir(), 'ev-')) });
  await host.writeEventLog({ source: 'MfaServerUpgrade', eventId: 104, type: 'Error', message: 'The upgrade of MFA01 ended: Failed, exit code 69002.\r\nSay "why" here.' });
  runner.assertAllRan();
});

test('a refusal by eventcreate is EventLogWriteFailed with its words; an id or source eventcreate would refuse never runs it', async () => {
  const runner = new RecordedCommandRunner([
    { commandLine: `${EVENTCREATE} /L APPLICATION /T INFORMATION /SO MfaServerUpgrade /ID 1000 /D done`, exitCode: 1, stderr: 'ERROR: Access is denied.\r\n' },
  ]);
  const host = new WindowsHost({ runner, systemRoot: 'C:\\Windows', computerName: 'MFA01', is64Bit: true, tempDirectory: await mkdtemp(join(tmpdir(), 'ev-')) });
  const refused = (code: string, why: RegExp) => (e: unknown) => e instanceof CoreError && e.code === code && why.test(e.message);
  await assert.rejects(host.writeEventLog({ source: 'MfaServerUpgrade', eventId: 1000, type: 'Information', message: 'done' }), refused('EventLogWriteFailed', /Access is denied/));
  await assert.rejects(host.writeEventLog({ source: 'MfaServerUpgrade', eventId: 69002, type: 'Error', message: 'x' }), refused('EventLogWriteFailed', /1 to 1000/));
  await assert.rejects(host.writeEventLog({ source: 'Mfa"Upgrade', eventId: 1, type: 'Error', message: 'x' }), refused('EventLogWriteFailed', /not an event source/));
  runner.assertAllRan();

  // The lab keeps the same rule, and records what it accepts in its file.
  const { hosts } = await newLab();
  await assert.rejects(hosts[0].writeEventLog({ source: 'MfaServerUpgrade', eventId: 0, type: 'Error', message: 'x' }), refused('EventLogWriteFailed', /1 to 1000/));
  await hosts[0].writeEventLog({ source: 'MfaServerUpgrade', eventId: 1000, type: 'Information', message: 'one\nline' });
  const [entry] = (await readFile(hosts[0].localPath(LAB_EVENT_LOG), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.deepEqual({ ...entry, time: undefined }, { time: undefined, log: 'Application', source: 'MfaServerUpgrade', eventId: 1000, type: 'Information', message: 'one line' });
});
