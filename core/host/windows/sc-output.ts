/**
 * Why this file: sc.exe answers in text; this reads its query and qc output (captured from real Windows) into
 * service states.
 */
import type { ServiceInfo, ServiceState } from '../host';
import { CoreError } from '../../util/errors';

/** sc.exe's exit code (and message number) when the named service does not exist. */
export const SERVICE_DOES_NOT_EXIST = 1060;

/** SERVICE_STATUS.dwCurrentState numbers as sc.exe prints them (`STATE : 4  RUNNING`). */
const STATES: Record<number, ServiceState> = {
  1: 'Stopped',
  2: 'StartPending',
  3: 'StopPending',
  4: 'Running',
  // The host model has no "continue/pause pending": report the state the service is heading for.
  5: 'StartPending',
  6: 'Paused',
  7: 'Paused',
};

/** dwStartType numbers (`START_TYPE : 2   AUTO_START`); boot/system start only apply to drivers. */
const START_TYPES: Record<number, ServiceInfo['startType']> = {
  0: 'Automatic',
  1: 'Automatic',
  2: 'Automatic',
  3: 'Manual',
  4: 'Disabled',
};

/** `        FIELD_NAME         : value` → field map, one map per SERVICE_NAME block. */
function parseBlocks(stdout: string): Array<Record<string, string>> {
  const blocks: Array<Record<string, string>> = [];
  let current: Record<string, string> | undefined;
  for (const line of stdout.split(/\r?\n/)) {
    const m = /^\s*([A-Z_0-9]+)\s*:\s?(.*)$/.exec(line);
    if (!m) continue; // blank lines, "[SC] ... SUCCESS", the flags line under STATE
    const [, field, value] = m;
    if (field === 'SERVICE_NAME') {
      current = { SERVICE_NAME: value.trim() };
      blocks.push(current);
    } else if (current) {
      current[field] = value.trim();
    }
  }
  return blocks;
}

function leadingNumber(field: string | undefined, fieldName: string, source: string): number {
  const m = /^(\d+)\b/.exec(field ?? '');
  if (!m) throw new CoreError('ServiceOutputUnreadable', `sc.exe output for ${source} has no readable ${fieldName} ("${field ?? ''}").`, source);
  return Number(m[1]);
}

function stateOf(block: Record<string, string>, source: string): ServiceState {
  const n = leadingNumber(block.STATE, 'STATE', source);
  const state = STATES[n];
  if (!state) throw new CoreError('ServiceOutputUnreadable', `sc.exe reports an unknown state ${n} for ${source}.`, source);
  return state;
}

/** `sc query <name>`: the service's current state. */
export function parseScQueryState(stdout: string, name: string): ServiceState {
  const block = parseBlocks(stdout)[0];
  if (!block) throw new CoreError('ServiceOutputUnreadable', `sc.exe query output for ${name} names no service.`, name);
  return stateOf(block, name);
}

/** `sc qc <name>`: start type and display name (plus the service's canonical name). */
export function parseScQc(stdout: string, name: string): { name: string; displayName: string; startType: ServiceInfo['startType'] } {
  const block = parseBlocks(stdout)[0];
  if (!block) throw new CoreError('ServiceOutputUnreadable', `sc.exe qc output for ${name} names no service.`, name);
  const n = leadingNumber(block.START_TYPE, 'START_TYPE', name);
  const startType = START_TYPES[n];
  if (!startType) throw new CoreError('ServiceOutputUnreadable', `sc.exe reports an unknown start type ${n} for ${name}.`, name);
  return { name: block.SERVICE_NAME, displayName: block.DISPLAY_NAME ?? block.SERVICE_NAME, startType };
}

/** `sc query type= service state= all`: every service's name, display name and state. */
export function parseScQueryAll(stdout: string): Array<{ name: string; displayName: string; state: ServiceState }> {
  return parseBlocks(stdout).map((block) => ({
    name: block.SERVICE_NAME,
    displayName: block.DISPLAY_NAME ?? block.SERVICE_NAME,
    state: stateOf(block, block.SERVICE_NAME),
  }));
}

/** The registry `Start` value uses the same numbers as START_TYPE. */
export function startTypeFromNumber(n: number): ServiceInfo['startType'] | undefined {
  return START_TYPES[n];
}
