/**
 * Where Windows keeps a machine's own id: MachineGuid, written by setup for each installation (a rebuild or sysprep
 * makes a new one), in the 64-bit view. Labs keep theirs in the same place, so the id is read the same way on every
 * host (core/upgrade/run/server-identity.ts).
 */
export const MACHINE_ID_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Cryptography';
export const MACHINE_ID_VALUE = 'MachineGuid';
