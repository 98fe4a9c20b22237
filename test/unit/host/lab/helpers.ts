import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLab } from '../../../../core/host/lab/scenarios';
import type { LabScenario } from '../../../../core/host/lab/lab-file';
import { openLab } from '../../../../core/host/lab/open-lab';
import type { LabHost } from '../../../../core/host/lab/lab-host';

export async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'mfa-lab-test-'));
}

/** A fresh lab of the scenario; returns its folder and its servers. */
export async function newLab(scenario: LabScenario = 'SingleServer'): Promise<{ path: string; hosts: LabHost[] }> {
  const path = join(await tempDir(), 'lab');
  await createLab(path, scenario);
  return { path, hosts: await openLab(path) };
}

export const text = async (host: LabHost, path: string) => (await host.readFile(path)).toString('utf8');
