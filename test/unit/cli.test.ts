// The core CLI through its real interface: the bundled mfa-core.cjs, stdin in, envelope and exit code out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { allListedOperations, corePath, runCore } from '../helpers/contracts';

test('--list prints every contract with its name and cmdlet', () => {
  const listing = JSON.parse(execFileSync(process.execPath, [corePath, '--list'], { encoding: 'utf8' }));
  assert.match(listing.version, /^\d+\.\d+\.\d+/);
  const merge = listing.operations.find((o: { name: string }) => o.name === 'merge-webconfig');
  assert.equal(merge.cmdlet, 'Merge-MfaWebConfig');
  assert.equal(merge.changesState, true);
  assert.deepEqual(merge.input.required, ['Path', 'ReferencePath']);
  for (const op of listing.operations) {
    assert.match(op.cmdlet, /^[A-Z][a-z]+-Mfa|^[A-Z][a-z]+-PhoneFactor/, op.cmdlet);
    assert.ok(op.input && op.output && op.outputTypeName, op.name);
  }
});

test('malformed JSON is a bad request (exit 2) with a stable code', () => {
  const r = runCore('merge-webconfig', '{"Path": ');
  assert.equal(r.exitCode, 2);
  assert.equal(r.envelope.ok, false);
  assert.equal(r.envelope.error.code, 'MalformedRequest');
});

test('an unknown operation is a bad request naming the known ones', () => {
  const r = runCore('merge-everything', {});
  assert.equal(r.exitCode, 2);
  assert.equal(r.envelope.error.code, 'UnknownOperation');
  assert.match(r.envelope.error.message, /merge-webconfig/);
});

test('a schema violation names the offending field before any handler runs', () => {
  const r = runCore('merge-webconfig', { Path: '/nonexistent/web.config', ReferencePath: 42 });
  assert.equal(r.exitCode, 2);
  assert.equal(r.envelope.error.code, 'InvalidParameter');
  assert.equal(r.envelope.error.message, '/ReferencePath must be string');
  assert.equal(r.envelope.error.target, 'ReferencePath');
  assert.equal(r.envelope.error.category, 'InvalidArgument');
});

test('a missing required field and an unknown field are both reported', () => {
  const r = runCore('merge-webconfig', { items: [{ Path: 'a', ReferencePath: 'b' }, { Path: 'a', Colour: 'blue' }] });
  assert.equal(r.exitCode, 2);
  assert.match(r.envelope.error.message, /^Input object 2: /);
  assert.match(r.envelope.error.message, /\/ReferencePath is required/);
  assert.match(r.envelope.error.message, /\/Colour is not a known parameter/);
});

test('an operation failure exits 1 with a per-item error and the file named', () => {
  const r = runCore('merge-webconfig', { Path: '/nonexistent/new/web.config', ReferencePath: '/nonexistent/old/web.config' });
  assert.equal(r.exitCode, 1);
  assert.equal(r.envelope.error.code, 'FileNotFound');
  assert.equal(r.envelope.error.target, '/nonexistent/new/web.config');
});

test('dryRun must be a boolean', () => {
  const r = runCore('merge-webconfig', { dryRun: 'yes', Path: 'a', ReferencePath: 'b' });
  assert.equal(r.exitCode, 2);
  assert.equal(r.envelope.error.code, 'MalformedRequest');
});

test('an empty request ({"items":[]}) is a bad request (exit 2) for every operation, never a crash', () => {
  for (const op of allListedOperations()) {
    const r = runCore(op.name, { items: [] });
    assert.equal(r.exitCode, 2, `${op.name}: ${JSON.stringify(r.envelope)}`);
    assert.equal(r.envelope.error.code, 'EmptyRequest', op.name);
    assert.equal(r.envelope.error.target, 'items', op.name);
  }
});
