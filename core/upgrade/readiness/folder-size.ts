/** The bytes under a folder of a host (every file, recursively); 0 when the folder does not exist. */
import type { Host } from '../../host/host';

export async function folderSize(host: Host, folder: string): Promise<number> {
  const s = await host.stat(folder);
  if (!s) return 0;
  if (!s.isDirectory) return s.size;
  let total = 0;
  for (const e of await host.listDirectory(folder)) {
    const child = `${folder.replace(/[\\/]+$/, '')}\\${e.name}`;
    total += e.isDirectory ? await folderSize(host, child) : ((await host.stat(child))?.size ?? 0);
  }
  return total;
}
