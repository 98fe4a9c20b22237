/**
 * Was it the link? A remoting call that fails while the connection is being cut fails in whichever way the cut lands
 * first: a broken pipe (EPIPE) or a reset while writing, the end of the SSH client's output (EOF), a keepalive
 * time-out, a session already Broken or Closed, or an error from the far side's script (its core was killed with the
 * session) that got through just before the link went. How it lands is timing; what the admin reads must not be. Every
 * failure of a remoting call goes through classifyFarFailure, and a lost link is always RemoteConnectionLost.
 *
 * The session's state alone is not enough: it turns Broken only once PowerShell has noticed, which may be after the
 * failure was caught (seen: "Running the MfaServerUpgrade core on … failed: Broken pipe" in one CI run of many). So
 * when the failure itself does not say "link", the session is asked (a trivial Invoke-Command): one that does not
 * answer is lost.
 */

/** What a far script's catch saw (remote-scripts.ts, CAUGHT_FAILURE), or what a failed script outcome said. */
export interface FarFailure {
  message: string;
  /** The remoting session's state when the failure was caught ('Opened', 'Broken', 'Closed'…); null when unknown. */
  state: string | null;
  /** Full names of the exception and its inner exceptions, outermost first. */
  types: string[];
}

export type FarFailureClass = 'linkLost' | 'commandFailed';

/** Raised by the far side's script: the link carried it, so it says nothing about the link by itself. */
const FROM_FAR_SCRIPT = 'System.Management.Automation.RemoteException';

/** Exceptions of this side's remoting layer: the transport itself failed. */
const TRANSPORT_TYPES = [
  'System.Management.Automation.Remoting.PSRemotingTransportException',
  'System.Management.Automation.Remoting.PSRemotingDataStructureException',
  'System.Management.Automation.Runspaces.InvalidRunspaceStateException',
  'System.IO.IOException',
  'System.IO.EndOfStreamException',
  'System.Net.Sockets.SocketException',
  'System.TimeoutException',
  'System.ObjectDisposedException',
];

/** How a cut reads when only a message tells (EPIPE, reset, EOF, keepalive time-out, the SSH client gone). */
const CUT_MESSAGE = new RegExp(
  [
    'broken pipe',
    'EPIPE',
    'connection (was )?reset',
    'ECONNRESET',
    'end of (file|stream)',
    '\\bEOF\\b',
    'SSH client session has ended',
    'connection (to .* )?(was )?closed',
    'not responding',
    'timed out',
    'Timeout, server',
    'session state is (Broken|Closed)',
  ].join('|'),
  'i',
);

/** Whether the failure by itself says the link is gone (no question to the session needed). */
export function saysLinkLost(failure: FarFailure): boolean {
  if (failure.state && failure.state !== 'Opened') return true;
  if (failure.types[0] === FROM_FAR_SCRIPT) return false;
  return failure.types.some((t) => TRANSPORT_TYPES.includes(t)) || CUT_MESSAGE.test(failure.message);
}

/**
 * linkLost when the failure says so or the session no longer answers (`sessionAnswers`, asked only when needed);
 * commandFailed when the session answers: the call itself failed, over a working link.
 */
export async function classifyFarFailure(failure: FarFailure, sessionAnswers: () => Promise<boolean>): Promise<FarFailureClass> {
  if (saysLinkLost(failure)) return 'linkLost';
  return (await sessionAnswers()) ? 'commandFailed' : 'linkLost';
}
