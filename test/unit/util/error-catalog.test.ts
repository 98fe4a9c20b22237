// The error catalog is the one list of codes: every code raised in core/ is in it (the compiler enforces that for
// CoreError; this also covers codes raised by the remoting scripts as Mfa:<code>), and every entry is raised somewhere
// (no ghost codes in the help topic). Each entry says what it means and what to do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { ERROR_CATALOG, isErrorCode, remoteErrorCode } from '../../../core/util/error-catalog';
import { CoreError } from '../../../core/util/errors';
import { toErrorBody } from '../../../core/util/envelope';

const coreDir = path.resolve(__dirname, '..', '..', '..', 'core');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'generated' ? [] : sources(p);
    return /\.(ts|ps1)$/.test(name) && !p.endsWith(path.join('util', 'error-catalog.ts')) ? [p] : [];
  });
}
const transportDir = path.resolve(coreDir, '..', 'ps-module', 'src');
const text = [...sources(coreDir), ...sources(transportDir)].map((f) => readFileSync(f, 'utf8')).join('\n');

test('every error id the transport raises itself is in the catalog', () => {
  const transport = sources(transportDir).map((f) => readFileSync(f, 'utf8')).join('\n');
  const ids = [...transport.matchAll(/ErrorRecord\([^\n]*?\), '([A-Za-z]+)'|Get-MfaTransportError -Id '([A-Za-z]+)'/g)].map((m) => m[1] ?? m[2]);
  assert.ok(ids.length > 0);
  assert.deepEqual(ids.filter((c) => !isErrorCode(c)), []);
});

test('every catalog code is raised somewhere in the core', () => {
  const ghosts = Object.keys(ERROR_CATALOG).filter((code) => !text.includes(`'${code}'`) && !text.includes(`Mfa:${code}`));
  assert.deepEqual(ghosts, []);
});

test('every Mfa:<code> a remoting script raises is in the catalog', () => {
  const raised = [...text.matchAll(/Mfa:([A-Za-z]+)/g)].map((m) => m[1]);
  assert.ok(raised.length > 0);
  assert.deepEqual(raised.filter((c) => !isErrorCode(c)), []);
});

test('every entry has a meaning and an action, as sentences', () => {
  for (const [code, e] of Object.entries(ERROR_CATALOG)) {
    assert.match(code, /^[A-Z][A-Za-z]+$/, code);
    assert.ok(e.meaning.length > 15 && e.action.length > 10, code);
    assert.ok(!e.meaning.includes('\n') && !e.action.includes('\n'), code);
  }
});

test('the error body takes category and recommended action from the catalog, not from the name', () => {
  // ServerClaimedByOtherRun has no word a name-based guess would match.
  const body = toErrorBody(new CoreError('ServerClaimedByOtherRun', 'claimed', 'C:\\ProgramData'));
  assert.equal(body.category, 'ResourceBusy');
  assert.equal(body.recommendedAction, ERROR_CATALOG.ServerClaimedByOtherRun.action);
  const internal = toErrorBody(new Error('boom'));
  assert.equal(internal.code, 'InternalError');
  assert.equal(internal.recommendedAction, ERROR_CATALOG.InternalError.action);
});

test('a code from a remote peer that the catalog lacks becomes a protocol error', () => {
  assert.equal(remoteErrorCode('DiskFull'), 'DiskFull');
  assert.equal(remoteErrorCode('NoSuchCode'), 'RemoteProtocolError');
  assert.equal(remoteErrorCode('toString'), 'RemoteProtocolError');
});
