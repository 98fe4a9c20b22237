// TEMPORARY stub until core/host/lab/open-lab.ts lands.
import type { Host } from './host';
export async function openLab(_p: string): Promise<Host[]> { throw new Error('lab not ready'); }
export async function resolveTargetPath(_h: Host, p: string): Promise<string> { return p; }
