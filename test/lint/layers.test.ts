// The core's layer order (.dependency-cruiser.cjs, README "Layers of the core") is enforced by `npm run lint:layers` in
// `npm test`. These tests prove the rules bite: a made-up core in a temp folder that breaks each rule once is reported,
// rule by rule, with a failing exit code; and the real core/ has no violation at all.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from '../helpers/pwsh';

const depcruise = path.join(repoRoot, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');
const config = path.join(repoRoot, '.dependency-cruiser.cjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
}

/** depcruise as `npm run lint:layers` runs it: its exit code and its text (the err reporter sets the exit code). */
function lintLayers(cwd: string): { status: number | null; output: string } {
  // No colours: CI=true makes depcruise colour its text, and the assertions read it as plain text.
  const r = spawnSync(process.execPath, [depcruise, 'core', '--config', config], { cwd, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
  // eslint-disable-next-line no-control-regex -- removing ANSI colour codes is the point
  return { status: r.status, output: (r.stdout + r.stderr).replace(/\u001b\[[0-9;]*m/g, '') };
}

/** The violations, one line each, from depcruise's JSON report. */
function violations(cwd: string): string[] {
  const args = [depcruise, 'core', '--config', config, '--output-type', 'json'];
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.ok(r.stdout, r.stderr);
  const found = (JSON.parse(r.stdout) as { summary: { violations: Violation[] } }).summary.violations;
  return found.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

const made: string[] = [];
after(() => made.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A core folder of the given modules (path -> source) with a tsconfig like the project's. */
function fixtureCore(modules: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-layers-'));
  made.push(dir);
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'preserve', moduleResolution: 'bundler', strict: true } }));
  for (const [file, source] of Object.entries(modules)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), source);
  }
  return dir;
}

test('a lower layer importing a higher one, peers importing each other, cycles and an unplaced folder are each reported', () => {
  const dir = fixtureCore({
    // domain is below host: the import goes the wrong way.
    'core/domain/x.ts': "import { y } from '../host/y';\nexport const x = y;\n",
    'core/host/y.ts': 'export const y = 1;\n',
    // msi and journal share a layer.
    'core/msi/m.ts': "import { j } from '../journal/j';\nexport const m = j;\n",
    'core/journal/j.ts': 'export const j = 1;\n',
    // Two modules that import each other.
    'core/util/a.ts': "import { b } from './b';\nexport const a = () => b;\n",
    'core/util/b.ts': "import { a } from './a';\nexport const b = () => a;\n",
    // host/lab and host/windows import each other through different modules: no module cycle, but a folder cycle.
    // (A folder contains its sub-folders, so host and host/lab importing each other is not a folder cycle.)
    'core/host/lab/r.ts': "import { w } from '../windows/w';\nexport const r = w;\n",
    'core/host/lab/s.ts': 'export const s = 1;\n',
    'core/host/windows/v.ts': "import { s } from '../lab/s';\nexport const v = s;\n",
    'core/host/windows/w.ts': 'export const w = 1;\n',
    // A feature importing a cmdlet's face (faces only on the top floor: the layer rule of the feature reports it).
    'core/backup/f.ts': "import { c } from '../cmdlets/c';\nexport const f = c;\n",
    'core/cmdlets/c.ts': 'export const c = 1;\n',
    // A folder the layer order does not name.
    'core/misc/z.ts': "import { y } from '../host/y';\nexport const z = y;\n",
  });
  assert.deepEqual(violations(dir), [
    'layer-backup: core/backup/f.ts -> core/cmdlets/c.ts',
    'layer-domain: core/domain/x.ts -> core/host/y.ts',
    'no-folder-cycles: core/host/lab -> core/host/windows',
    'no-folder-cycles: core/host/windows -> core/host/lab',
    'no-module-cycles: core/util/a.ts -> core/util/b.ts',
    'peer-msi: core/msi/m.ts -> core/journal/j.ts',
    'unplaced-folder: core/misc/z.ts -> core/host/y.ts',
  ]);
  const lint = lintLayers(dir);
  assert.notEqual(lint.status, 0, lint.output);
  for (const rule of ['layer-domain', 'peer-msi', 'no-module-cycles', 'no-folder-cycles', 'unplaced-folder']) {
    assert.match(lint.output, new RegExp(`error ${rule}: `), rule);
  }
});

test('the same fixture without its faults passes: the rules do not fire on imports that follow the order', () => {
  const dir = fixtureCore({
    'core/host/y.ts': "import { x } from '../domain/x';\nexport const y = x;\n",
    'core/domain/x.ts': "import { a } from '../util/a';\nexport const x = a;\n",
    'core/util/a.ts': 'export const a = 1;\n',
    'core/msi/m.ts': "import { x } from '../domain/x';\nexport const m = x;\n",
  });
  assert.deepEqual(violations(dir), []);
  const lint = lintLayers(dir);
  assert.equal(lint.status, 0, lint.output);
});

test('the real core has zero layer violations', () => {
  const lint = lintLayers(repoRoot);
  assert.equal(lint.status, 0, lint.output);
  assert.match(lint.output, /no dependency violations found/);
});
