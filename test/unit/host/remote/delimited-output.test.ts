// How a call's output is cut out of pwsh's streams: the reader on its own, and inside the real node-powershell driving
// a stand-in pwsh that answers each call in a single write followed by a terminal escape, as pwsh does under load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readBetweenDelimiters } from '../../../../core/host/remote/delimited-output';
import { PowerShellSession } from '../../../../core/host/remote/powershell-session';

const D = 'icoL74FEmFKOWncR';

async function read(chunks: string[]): Promise<string> {
  const stream = new PassThrough();
  const result = readBetweenDelimiters(stream, D);
  for (const c of chunks) stream.write(c);
  return (await result).toString('utf8');
}

test('one chunk holding both delimiters and a trailing terminal escape is read to the end', async () => {
  assert.equal(await read([`\u001b[?1h\u001b[?1l${D}\n\u001b[?1h@@R{"a":1}\n\u001b[?1h\u001b[?1l${D}\n\u001b[?1h`]), '\u001b[?1h@@R{"a":1}\n\u001b[?1h\u001b[?1l');
});

test('delimiters split across chunks, stale bytes before the first, and an empty call are all read', async () => {
  assert.equal(await read(['stale\n', D.slice(0, 5), `${D.slice(5)}\nline one\n`, 'line two\n', D.slice(0, 9), `${D.slice(9)}\n`]), 'line one\nline two');
  assert.equal(await read([`${D}\n${D}\n`]), '');
  assert.equal(await read([`${D}\n`, `${D}\n`]), '');
});

test('the reader leaves the stream to the next call: it unpipes itself once the call is read', async () => {
  const stream = new PassThrough();
  const first = readBetweenDelimiters(stream, D);
  stream.write(`${D}\none\n${D}\n`);
  assert.equal((await first).toString(), 'one');
  const second = readBetweenDelimiters(stream, 'ZZZZZZZZZZZZZZZZ');
  stream.write('ZZZZZZZZZZZZZZZZ\ntwo\nZZZZZZZZZZZZZZZZ\n');
  assert.equal((await second).toString(), 'two');
});

// A stand-in for pwsh that speaks node-powershell's framing: per call it reads five lines (two delimiter lines, the
// command, two delimiter lines) and answers in ONE write with an escape after the closing delimiter.
const FAKE_PWSH = String.raw`
let lines = [], pending = '', calls = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (text) => {
  pending += text;
  let at;
  while ((at = pending.indexOf('\n')) >= 0) {
    lines.push(pending.slice(0, at).replace(/\r$/, '')); pending = pending.slice(at + 1);
    if (lines.length < 5) continue;
    const d = /WriteLine\("([^"]+)"\)/.exec(lines[4])[1];
    calls += 1;
    const result = { ok: true, output: ['answer ' + calls], errors: [], warnings: [], verbose: [], information: [], terminatingError: null };
    process.stderr.write(d + '\n' + d + '\n');
    process.stdout.write('\u001b[?1h' + d + '\n@@MFA-RESULT@@' + JSON.stringify(result) + '\n' + d + '\n\u001b[?1h');
    lines = [];
  }
});
`;

test('a session whose pwsh answers a whole call in one write with a trailing escape gets every answer (it used to wait for its timeout)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mfa-fake-pwsh-'));
  try {
    const exe = path.join(dir, 'pwsh');
    writeFileSync(exe, `#!${process.execPath}\n${FAKE_PWSH}`);
    chmodSync(exe, 0o755);
    const session = PowerShellSession.open({ executable: exe, timeoutMs: 5_000 });
    try {
      for (let i = 1; i <= 3; i++) assert.deepEqual((await session.run('anything')).output, [`answer ${i}`]);
    } finally {
      await session.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
