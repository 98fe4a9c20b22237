/**
 * Which machine a server is, beyond its name: a server rebuilt under the same name, or another machine given the same
 * name (a lab beside production, a clone), is another server, and a journal of one must never answer for the other.
 * Windows keeps a per-installation id, MachineGuid under HKLM\SOFTWARE\Microsoft\Cryptography (64-bit view), written
 * by setup and changed by a rebuild or sysprep; a lab keeps its own in the same place. It is read through the Host
 * port, so every adapter (local, remote, lab) answers it the same way.
 */
import type { Host } from '../../host/host';
import { MACHINE_ID_KEY, MACHINE_ID_VALUE } from '../../host/machine-id';

export interface ServerIdentity {
  ComputerName: string;
  /** null when the server has no MachineGuid (not seen on Windows; a lab made before labs had one gets one on open). */
  MachineId: string | null;
}

export async function readServerIdentity(host: Host): Promise<ServerIdentity> {
  const key = await host.getRegistryKey(MACHINE_ID_KEY, '64');
  const value = key?.values.find((v) => v.name.toLowerCase() === MACHINE_ID_VALUE.toLowerCase());
  const id = typeof value?.data === 'string' && value.data.trim() ? value.data.trim().toLowerCase() : null;
  return { ComputerName: host.computerName, MachineId: id };
}

/** Same machine: same name and same id (a server without an id matches only one without an id). */
export function sameServer(a: ServerIdentity, b: ServerIdentity): boolean {
  return a.ComputerName.toLowerCase() === b.ComputerName.toLowerCase() && (a.MachineId ?? '') === (b.MachineId ?? '');
}

export function describeIdentity(s: ServerIdentity): string {
  return `${s.ComputerName} (machine id ${s.MachineId ?? 'none'})`;
}
