// The public surface schema the build writes (scripts/surface-schema.mjs): a valid draft 2020-12 document, named by
// the version, with one definition per exported cmdlet holding that cmdlet's parameters, and the committed copy equal
// to the shipped one (a build that changes the surface changes the committed file, so the diff shows it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { repoRoot } from '../../helpers/pwsh';

const shipped = path.join(repoRoot, 'ps-module', 'MfaServerUpgrade', 'MfaServerUpgrade.surface.schema.json');
const committed = path.join(repoRoot, 'ps-module', 'public-surface.schema.json');

test('the surface schema compiles as draft 2020-12, is versioned, and covers every exported cmdlet with its parameters', () => {
  const schema = JSON.parse(readFileSync(shipped, 'utf8')) as { $id: string; $defs: Record<string, { $defs: { Parameters: { properties: object } } }> };
  new Ajv2020({ strict: false }).compile(schema);
  const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;
  assert.equal(schema.$id, `urn:mfaserverupgrade:public-surface:${version}`);
  const psd1 = readFileSync(path.join(repoRoot, 'ps-module', 'MfaServerUpgrade', 'MfaServerUpgrade.psd1'), 'utf8');
  const exported = [...(/FunctionsToExport\s*=\s*@\(([^)]*)\)/.exec(psd1)?.[1] ?? '').matchAll(/'([^']+)'/g)].map((m) => m[1]);
  assert.ok(exported.length > 10, 'the manifest exports the cmdlets');
  for (const cmdlet of exported) {
    assert.ok(schema.$defs[cmdlet], `${cmdlet} is described`);
    assert.ok(Object.keys(schema.$defs[cmdlet].$defs.Parameters.properties).length > 0, `${cmdlet} has its parameters`);
  }
  assert.ok(Array.isArray((schema.$defs.ErrorCode as unknown as { enum: string[] }).enum));
});

test('the committed surface file is the one the build ships', () => {
  assert.equal(readFileSync(committed, 'utf8'), readFileSync(shipped, 'utf8'));
});
