/**
 * Read-only procedures that run where the host is. Called with a RemoteHost, the whole procedure runs on the core of
 * the far machine as ONE host call (one round trip), instead of one round trip per Host method it calls one after the
 * other (an inventory made 13). Called with any other host, it runs here. Either way it is the same function: the far
 * core is this same bundle, and runs it on its own host of the target (the far machine itself, or a lab server there).
 *
 * Only registered procedures can be called by name (host-dispatch.ts), as only whitelisted Host methods can. What
 * the procedure taught the far core's secret redactor (the SDK password of a web.config it read) comes back with the
 * answer and is taught to this core's redactor: this side masks what it shows exactly as when it read the files itself
 * (the file contents, secrets included, crossed the session before; now only the values to mask do).
 */
import type { Host } from '../host';
import { RemoteHost } from './remote-host';

// The arguments are JSON values (they cross the session); `any` lets typed procedures be registered in one map.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Procedure = (host: Host, ...args: any[]) => Promise<unknown>;

const procedures = new Map<string, Procedure>();

/**
 * Registers `run` under `name` (at module load, so the far core, the same bundle, knows it too) and returns the
 * function to call: on a RemoteHost it runs on the far core, on any other host here.
 */
export function farProcedure<A extends unknown[], R>(name: string, run: (host: Host, ...args: A) => Promise<R>): (host: Host, ...args: A) => Promise<R> {
  if (procedures.has(name)) throw new Error(`The far procedure ${name} is registered twice.`);
  procedures.set(name, run as Procedure);
  return (host, ...args) => (host instanceof RemoteHost ? (host.runProcedure(name, args) as Promise<R>) : run(host, ...args));
}

/** The procedure registered under `name`, for the far side of a host call; undefined when there is none. */
export const farProcedureNamed = (name: string): Procedure | undefined => procedures.get(name);
