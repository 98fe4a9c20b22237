// Issue 23, item 14: one connection loss, one message. A cut lands as a broken pipe, a reset, the end of the SSH
// client's output, a keepalive time-out, a Broken session, or an error of the far script (its core killed with the
// session) caught while the session still looks Opened; or the far core just ends. Fed through a RemoteConnection
// over a scripted PowerShell channel (what each far script answers in that case), every one ends as
// RemoteConnectionLost naming the server; a far failure over a link that still answers stays the call's own failure.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RemoteConnection } from '../../../../core/host/remote/remote-connection';
import { FIND_FAR_MODULE, OPEN_SESSION, PROBE_SESSION, RUN_FAR_SERVE } from '../../../../core/host/remote/remote-scripts';
import { classifyFarFailure, type FarFailure } from '../../../../core/host/remote/link-loss';
import type { PowerShellChannel, ScriptOutcome } from '../../../../core/host/remote/powershell-session';
import { isCoreError } from '../../../../core/util/errors';

const build = { root: '/nowhere', version: '0.0.0', libSha256: 'a'.repeat(64), fingerprint: 'f'.repeat(64) };
const options = { computerName: 'WEB01', transport: 'ssh' as const, port: 2222 };

const ok = (output: unknown): ScriptOutcome => ({ ok: true, output: [output], errors: [], warnings: [], verbose: [], information: [], terminatingError: null });
const threw = (message: string, exceptionType: string): ScriptOutcome => ({
  ...ok(null),
  ok: false,
  output: [],
  terminatingError: { message, exceptionType, fullyQualifiedErrorId: 'x', category: 'NotSpecified', targetObject: null, recommendedAction: null },
});

/** A channel whose far batch answers `batch`, and whose session, when probed, answers or not. */
function channel(batch: () => ScriptOutcome | Promise<ScriptOutcome>, sessionAnswers: boolean): PowerShellChannel {
  return {
    run: async (script) => {
      if (script === OPEN_SESSION) return ok({});
      if (script === FIND_FAR_MODULE) return ok({ base: '/far', root: '/far/0.0.0', fingerprint: build.fingerprint });
      if (script === RUN_FAR_SERVE) return batch();
      if (script === PROBE_SESSION) {
        if (!sessionAnswers) throw new Error('the PowerShell channel ended');
        return ok({ lost: false });
      }
      throw new Error(`unexpected script ${script.slice(0, 60)}`);
    },
    close: async () => undefined,
  };
}

async function codeOf(batch: () => ScriptOutcome | Promise<ScriptOutcome>, sessionAnswers: boolean): Promise<{ code: string; message: string }> {
  const connection = await RemoteConnection.open(options, build, () => channel(batch, sessionAnswers));
  try {
    await connection.call({ target: {}, method: 'describe', args: [] });
  } catch (e) {
    assert.ok(isCoreError(e), String(e));
    return { code: e.code, message: e.message };
  } finally {
    await connection.close().catch(() => undefined);
  }
  assert.fail('the call did not fail');
}

const caught = (message: string, state: string, ...types: string[]) => () => ok({ failed: { message, state, types } });

/** Every way a cut was seen to land, as the far scripts report it. */
const CUTS: [string, () => ScriptOutcome | Promise<ScriptOutcome>][] = [
  ['EPIPE while writing, session still Opened', caught('Broken pipe', 'Opened', 'System.IO.IOException')],
  ['EPIPE, one exception type arriving as a plain string', () => ok({ failed: { message: 'Broken pipe', state: 'Opened', types: 'System.IO.IOException' } })],
  ['reset by the peer', caught('Connection reset by peer', 'Opened', 'System.Management.Automation.Remoting.PSRemotingTransportException')],
  ['EOF: the SSH client ended', caught('The SSH client session has ended with error message: end of file.', 'Opened', 'System.Management.Automation.Remoting.PSRemotingTransportException')],
  ['keepalive time-out', caught('Timeout, server 127.0.0.2 not responding.', 'Opened', 'System.Management.Automation.Remoting.PSRemotingTransportException')],
  ['the session already Broken', caught('The pipeline has been stopped.', 'Broken', 'System.Management.Automation.PipelineStoppedException')],
  ["the far script's own broken pipe (its core killed with the session), session still Opened", caught('Broken pipe', 'Opened', 'System.Management.Automation.RemoteException')],
  ['the far core ended mid-batch', () => ok({ died: true, exitCode: 137, stderr: '' })],
  ['the session found closed before the call', () => ok({ lost: true, message: 'the remoting session is Broken' })],
  ['the local PowerShell channel itself ended', () => Promise.reject(new Error('the PowerShell process exited'))],
  ['the far script ended with a terminating error', () => threw('Broken pipe', 'System.IO.IOException')],
];

for (const [how, batch] of CUTS) {
  test(`a cut that lands as ${how}: RemoteConnectionLost naming the server`, async () => {
    const { code, message } = await codeOf(batch, false);
    assert.equal(code, 'RemoteConnectionLost', message);
    assert.match(message, /^\[WEB01\] The connection to WEB01 .*was lost/);
  });
}

test('the same failures over a link that still answers are the call\'s own, never "lost"', async () => {
  const remote = await codeOf(caught('Access to the path is denied.', 'Opened', 'System.Management.Automation.RemoteException'), true);
  assert.equal(remote.code, 'RemoteCommandFailed', remote.message);
  const died = await codeOf(() => ok({ died: true, exitCode: 3, stderr: 'boom' }), true);
  assert.equal(died.code, 'RemoteCommandFailed', died.message);
  assert.match(died.message, /ended \(exit code 3\) while it ran a batch/);
});

test('the classifier asks the session only when the failure does not say "link" by itself', async () => {
  let asked = 0;
  const answers = async () => {
    asked++;
    return true;
  };
  const say = (f: FarFailure) => classifyFarFailure(f, answers);
  assert.equal(await say({ message: 'Broken pipe', state: 'Opened', types: ['System.IO.IOException'] }), 'linkLost');
  assert.equal(await say({ message: 'x', state: 'Closed', types: [] }), 'linkLost');
  assert.equal(asked, 0);
  assert.equal(await say({ message: 'Broken pipe', state: 'Opened', types: ['System.Management.Automation.RemoteException'] }), 'commandFailed');
  assert.equal(asked, 1);
});

test('the PowerShell opening the session gives up (a time-out, or it ended): RemoteUnreachable naming the server, not an unexpected error', async () => {
  for (const failing of [OPEN_SESSION, FIND_FAR_MODULE]) {
    let closed = false;
    const gaveUp: PowerShellChannel = {
      run: async (script) => {
        if (script === failing) throw new Error('PowerShell call failed or timed out (session discarded): timeout');
        if (script === OPEN_SESSION) return ok({});
        throw new Error(`unexpected script ${script.slice(0, 60)}`);
      },
      close: async () => {
        closed = true;
      },
    };
    const e: unknown = await RemoteConnection.open(options, build, () => gaveUp).then(() => assert.fail('opened'), (x: unknown) => x);
    assert.ok(isCoreError(e), String(e));
    assert.equal(e.code, 'RemoteUnreachable');
    assert.match(e.message, /^\[WEB01\] Cannot open a PowerShell remoting session .*timed out/);
    assert.ok(closed, 'the PowerShell it opened is closed');
  }
});
