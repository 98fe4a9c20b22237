// The core's layers, outermost first; a folder may import only from itself and the layers after it (npm run lint:layers):
//   cli/launcher -> runtime -> operations -> upgrade -> backup, report -> host -> domain, webconfig, msi, journal, log -> util
const LAYERS = [
  ['runtime'],
  ['operations'],
  ['upgrade'],
  ['backup', 'report'],
  ['host'],
  ['domain', 'webconfig', 'msi', 'journal', 'log'],
  ['util'],
];
const folder = (names) => `^core/(${names.join('|')})/`;
const forbidden = [];
LAYERS.forEach((layer, i) => {
  const above = LAYERS.slice(0, i).flat();
  if (above.length) {
    forbidden.push({ name: `layer-${layer.join('-')}`, severity: 'error', comment: `core/${layer.join(', ')} must not import an outer layer (${above.join(', ')})`, from: { path: folder(layer) }, to: { path: folder(above) } });
  }
  // Folders of one layer do not import each other (domain and webconfig are peers).
  if (layer.length > 1) {
    for (const a of layer) {
      forbidden.push({ name: `peer-${a}`, severity: 'error', comment: `core/${a} must not import its peers`, from: { path: folder([a]) }, to: { path: folder(layer.filter((b) => b !== a)) } });
    }
  }
});
forbidden.push({ name: 'no-folder-cycles', severity: 'error', comment: 'no import cycle between modules', from: { path: '^core/' }, to: { circular: true } });
module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^core/generated/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
