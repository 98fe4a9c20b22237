/**
 * Test-only crash points: with MFA_TEST_CRASH_AT=<point> the core kills itself (SIGKILL, no cleanup) at that point,
 * which is how the tests prove that a run killed at any step boundary or inside a step resumes correctly.
 * Points: `inside:<stepId>` (after the journal marked the step Running), `after:<stepId>` (after it completed).
 */
export function crashPointForTests(point: string): void {
  if (process.env.MFA_TEST_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
