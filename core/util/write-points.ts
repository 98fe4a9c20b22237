/**
 * Named points before each durable write the lab and the journal make (a file written atomically, a folder made or
 * removed, an installer's rollback step). Shipped code only announces them. A test harness may install a hook under
 * the global symbol below, in process or preloaded into a core with `node --import`, to kill the process at any one
 * of them (test/upgrade-kill): nothing in the shipped build sets it, and no environment variable turns it on.
 */
const HOOK = Symbol.for('MfaServerUpgrade.test.writePoint');

export type WritePointHook = (point: string) => void;

export function writePoint(point: string): void {
  const hook = (globalThis as Record<symbol, WritePointHook | undefined>)[HOOK];
  if (hook) hook(point);
}

/** For test harnesses: installs (or removes, with undefined) the hook. */
export function setWritePointHook(hook: WritePointHook | undefined): void {
  (globalThis as Record<symbol, WritePointHook | undefined>)[HOOK] = hook;
}
