// `mfa-core --serve`, the warm core, through the bundled entry point: its line protocol, its life, and the launcher's
// code cache keyed by build (a same-length updated bundle must run its own code, not the cached old one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { corePath } from '../../helpers/contracts';
import { syncCallerEnvironment } from '../../../core/runtime/serve';

interface Served {
  lines: AsyncIterator<string>;
  send: (value: unknown) => void;
  end: () => void;
  exited: Promise<number | null>;
}

function startServe(args: string[] = [], core = corePath): Served {
  const child = spawn(process.execPath, [core, '--serve', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines = readline.createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    lines,
    send: (value) => child.stdin.write((typeof value === 'string' ? value : JSON.stringify(value)) + '\n'),
    end: () => child.stdin.end(),
    exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))),
  };
}

async function next(s: Served): Promise<Record<string, unknown>> {
  const r = await s.lines.next();
  assert.ok(!r.done, 'the core answered');
  return JSON.parse(r.value) as Record<string, unknown>;
}

test('--serve states its build, answers each call on one line with its id, and ends 0 when its input ends', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-serve-'));
  try {
    const file = path.join(dir, 'web.config');
    writeFileSync(file, '<?xml version="1.0"?>\r\n<configuration><appSettings><add key="A" value="1" /></appSettings></configuration>\r\n');
    const s = startServe();
    const ready = await next(s);
    const version = JSON.parse(execFileSync(process.execPath, [corePath, '--version'], { encoding: 'utf8' })) as { buildId: string };
    assert.equal(ready.ready, true);
    assert.equal(ready.buildId, version.buildId);
    assert.match(String(ready.buildId), /^[0-9a-f]{16}$/);

    s.send({ id: 1, operation: 'merge-webconfig', request: { items: [{ Path: file, ReferencePath: file }], dryRun: true } });
    const one = await next(s);
    assert.equal(one.id, 1);
    assert.equal(one.exitCode, 0);
    assert.equal((one.envelope as { ok: boolean }).ok, true);

    s.send({ id: 2, operation: 'merge-webconfig', request: { items: [{ Path: path.join(dir, 'absent.config'), ReferencePath: file }] } });
    const two = await next(s);
    assert.equal(two.id, 2);
    assert.equal(two.exitCode, 1, 'an operation failure is that call\'s, the core goes on');

    s.send({ id: 3, operation: 'merge-everything', request: {} });
    assert.equal((await next(s)).exitCode, 2);
    s.send('not json');
    const bad = await next(s);
    assert.equal(bad.exitCode, 2);
    assert.equal((bad.envelope as { error: { code: string } }).error.code, 'MalformedRequest');

    s.end();
    assert.equal(await s.exited, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--serve exits by itself after --idle-seconds without a call', async () => {
  const s = startServe(['--idle-seconds', '0.3']);
  assert.equal((await next(s)).ready, true);
  assert.equal(await s.exited, 0);
});

test('the launcher runs an updated bundle of the same length, not the code cached for the old one', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-launcher-'));
  try {
    const lib = path.join(dir, 'lib');
    cpSync(path.dirname(corePath), lib, { recursive: true });
    const entry = path.join(lib, 'mfa-core.cjs');
    const bundle = path.join(lib, 'core.cjs');
    const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, 'cache') };
    const version = () => JSON.parse(execFileSync(process.execPath, [entry, '--version'], { encoding: 'utf8', env })) as { buildId: string };
    const old = version().buildId;
    version(); // the second start runs from the cache the first one wrote
    writeFileSync(bundle, readFileSync(bundle, 'utf8').split(old).join('0123456789abcdef'));
    assert.equal(version().buildId, '0123456789abcdef');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("each call's MFA_* variables replace the warm core's; other variables are left alone", () => {
  const env: NodeJS.ProcessEnv = { PATH: '/bin', MFA_LAB_MEDIA: '/old', mfa_remote_user: 'old' };
  syncCallerEnvironment(env, { MFA_REMOTE_USER: 'admin', PATH: '/evil' });
  assert.deepEqual(env, { PATH: '/bin', MFA_REMOTE_USER: 'admin' });
  syncCallerEnvironment(env, undefined);
  assert.deepEqual(env, { PATH: '/bin' });
});
