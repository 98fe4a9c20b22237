/** The bytes under a folder of a host (every file, recursively); 0 when the folder does not exist. */
import type { Host } from '../../host/host';
import { farProcedure } from '../../host/remote/far-procedures';

/** On a remote server the walk runs on the core there, in one round trip instead of one per file (far-procedures.ts). */
export const folderSize = farProcedure('folderSize', walkFolder);

async function walkFolder(host: Host, folder: string): Promise<number> {
  const s = await host.stat(folder);
  if (!s) return 0;
  if (!s.isDirectory) return s.size;
  let total = 0;
  for (const e of await host.listDirectory(folder)) {
    const child = `${folder.replace(/[\\/]+$/, '')}\\${e.name}`;
    total += e.isDirectory ? await walkFolder(host, child) : ((await host.stat(child))?.size ?? 0);
  }
  return total;
}
