/**
 * Test-only points in a run, named `inside:<stepId>` (after the journal marked the step Running), `after:<stepId>`
 * (after it completed) and `before-journal` (a fresh run holds its folder and has claimed its servers, and is about to
 * write its journal). Only the test build honours them (core/util/test-hooks.ts); the shipped core has no such code:
 * - MFA_TEST_CRASH_AT=<point>: the core kills itself there (SIGKILL, no cleanup), which is how the tests prove that a
 *   run killed at any step boundary or inside a step resumes correctly;
 * - MFA_TEST_HANG_AT=<point>: the core waits there for ever, like a step that takes long (a test stops the command
 *   meanwhile, as Ctrl+C would), reporting progress every half second as a long wait does (so a closed pipe shows);
 * - MFA_TEST_THROW_AT=<point>: an error escapes the core's handling there (thrown from a timer), as a bug would.
 * - MFA_TEST_DISK_FULL_AT=<change>: the journal's write of that change (`start:<stepId>`, `complete:<stepId>`,
 *   `fail:<stepId>`, `pause:<stepId>`) fails as on a full disk (ENOSPC), and so does every journal write after it, as
 *   a disk that filled up stays full.
 */
import '../../util/test-hooks';

export async function crashPointForTests(point: string): Promise<void> {
  if (globalThis.__MFA_TEST_HOOKS__) {
    if (process.env.MFA_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
    if (process.env.MFA_TEST_THROW_AT === point) {
      setImmediate(() => {
        throw new Error(`test fault at ${point}`);
      });
      await new Promise(() => setInterval(() => undefined, 60_000));
    }
    if (process.env.MFA_TEST_HANG_AT === point) {
      const beat = JSON.stringify({ event: 'progress', activity: 'Upgrading to MFA Server', status: `waiting (test hang at ${point})` }) + '\n';
      await new Promise(() => setInterval(() => process.stderr.write(beat), 500));
    }
  }
}

let diskFull = false;

/** The journal's test-only write fault (MFA_TEST_DISK_FULL_AT, above); a no-op unless the variable is set. */
export function journalFaultForTests(change: string): void {
  if (!globalThis.__MFA_TEST_HOOKS__) return;
  if (process.env.MFA_TEST_DISK_FULL_AT === change) diskFull = true;
  if (diskFull) throw Object.assign(new Error(`ENOSPC: no space left on device (test fault at ${change})`), { code: 'ENOSPC' });
}
