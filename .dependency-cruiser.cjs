// The core's layers, outermost first; a folder may import only from itself and the layers after it (npm run lint:layers):
//   cli.ts/launcher.ts -> runtime -> cmdlets -> upgrade -> report -> migration -> backup, usage, tenant -> survey -> host
//     -> webconfig, msi, journal, log -> domain -> util
// - survey: what the tool learns about a PhoneFactor / MFA server by reading it through the Host port (its inventory, its
//   data services). It is not pure domain (it needs a Host), and readiness, the upgrade and the cmdlets build on it.
// - usage (Get-MfaServerUsage: who still authenticates, from the service logs) is a feature beside backup: it reads a
//   server through the Host port and the survey (its install path); the readiness checks and the report build on it.
// - tenant (Test-MfaTenantReadiness, Get-MfaMigrationStatus, Export-MfaTenantState: the Entra side, read-only through
//   Microsoft Graph) is a feature beside them: it needs only host (closing a local folder) and util.
// - migration (Test-MfaMigrationReadiness: is the server ready for the Migration Utility) builds on usage (who uses
//   what), tenant (the clouds' hosts) and webtier (the TLS probe), so it sits above them; the report shows its rows.
// - report sits above backup (it reads backup manifests); domain sits below webconfig, msi and journal (they name
//   products, settings and readiness rows of the catalog), so the old "bottom layer" is two layers now.
// - Folders of one layer never import each other, and no import cycle joins two folders (sibling sub-folders included;
//   depcruise counts a sub-folder as part of its parent).
const LAYERS = [
  ['runtime'],
  ['cmdlets'],
  ['upgrade'],
  ['report'],
  ['migration'],
  ['backup', 'usage', 'tenant', 'merge', 'webtier'],
  ['survey'],
  ['host'],
  ['webconfig', 'msi', 'journal', 'log'],
  ['domain'],
  ['util'],
];
const folder = (names) => `^core/(${names.join('|')})/`;
const rule = (name, comment, from, to, extra = {}) => ({ name, severity: 'error', comment, from, to, ...extra });
const forbidden = [];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(0, i).flat();
  // One rule per folder, named after it: a folder's rule keeps its name when a peer joins its layer.
  for (const a of above.length ? layer : []) {
    const comment = `core/${a} must not import an outer layer (${above.join(', ')})`;
    forbidden.push(rule(`layer-${a}`, comment, { path: folder([a]) }, { path: folder(above) }));
  }
  for (const a of layer.length > 1 ? layer : []) {
    const peers = layer.filter((b) => b !== a);
    forbidden.push(rule(`peer-${a}`, `core/${a} must not import its peers (${peers.join(', ')})`, { path: folder([a]) }, { path: folder(peers) }));
  }
});
// A new top-level folder must be placed in the order above before it holds code, or no layer rule would see it.
forbidden.push(rule('unplaced-folder', 'a core folder that is not in the layer order', { path: '^core/[^/]+/', pathNot: folder(LAYERS.flat()) }, {}));
forbidden.push(rule('no-module-cycles', 'no import cycle between modules', { path: '^core/' }, { circular: true }));
// The layer and peer rules order the top-level folders; this one also covers sub-folders (host/lab, upgrade/readiness).
forbidden.push(rule('no-folder-cycles', 'no import cycle between folders', { path: '^core/' }, { circular: true }, { scope: 'folder' }));
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^core/generated/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
