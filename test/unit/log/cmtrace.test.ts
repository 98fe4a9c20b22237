import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CmTraceLog, formatCmTraceLine, type CmTraceLogOptions } from '../../../core/log';
import { SecretRedactor } from '../../../core/util/secrets';

// 2025-03-07 08:05:09.007 UTC
const AT = new Date(Date.UTC(2025, 2, 7, 8, 5, 9, 7));

function logIn(dir: string, extra: Partial<CmTraceLogOptions> = {}): CmTraceLog {
  return new CmTraceLog({
    path: join(dir, 'MfaServerUpgrade.log'),
    component: 'Invoke-MfaServerUpgrade',
    context: 'CONTOSO\\admin',
    thread: 4242,
    file: 'plan.ts',
    clock: () => AT,
    biasMinutes: () => -60,
    ...extra,
  });
}

test('exact line format: local time with the Windows bias (UTC+1 → -060), M-d-yyyy date, CRLF', () => {
  const line = formatCmTraceLine({
    message: 'Uninstalled PhoneFactor Agent',
    severity: 'Warning',
    component: 'Uninstall',
    context: 'CONTOSO\\admin',
    thread: 4242,
    file: 'uninstall.ts',
    time: AT,
    biasMinutes: -60,
  });
  assert.equal(
    line,
    '<![LOG[Uninstalled PhoneFactor Agent]LOG]!><time="09:05:09.007-060" date="3-7-2025" component="Uninstall" context="CONTOSO\\admin" type="2" thread="4242" file="uninstall.ts">\r\n',
  );
});

test('bias sign and date roll-over follow the local wall time', () => {
  const base = { message: 'm', severity: 'Error' as const, component: 'c', context: 'D\\u', thread: 1, file: '' };
  // 23:30 on 31 Dec UTC is 18:30 the same day in UTC-5 (bias +300), and 00:30 on 1 Jan in UTC+1 (bias -060).
  const t = new Date(Date.UTC(2024, 11, 31, 23, 30, 0, 0));
  assert.match(formatCmTraceLine({ ...base, time: t, biasMinutes: 300 }), /time="18:30:00\.000\+300" date="12-31-2024".*type="3"/);
  assert.match(formatCmTraceLine({ ...base, time: t, biasMinutes: -60 }), /time="00:30:00\.000-060" date="1-1-2025"/);
  assert.match(formatCmTraceLine({ ...base, time: t, biasMinutes: 0 }), /time="23:30:00\.000\+000"/);
  assert.match(formatCmTraceLine({ ...base, time: t, biasMinutes: -330 }), /time="05:00:00\.000-330" date="1-1-2025"/);
});

test('a message cannot close its entry early; attributes cannot break out of their quotes', () => {
  const line = formatCmTraceLine({
    message: 'evil ]LOG]!><time="0" and\nsecond line',
    severity: 'Info',
    component: 'a"b',
    context: 'D\\u',
    thread: 1,
    file: 'x\ny',
    time: AT,
    biasMinutes: 0,
  });
  assert.equal(line.split(']LOG]!>').length, 2, 'exactly one end-of-message marker');
  assert.ok(line.startsWith('<![LOG[evil ]LOG]!&gt;<time="0" and\r\nsecond line]LOG]!>'));
  assert.match(line, /component="a'b"/);
  assert.match(line, /file="x y"/);
});

test('UTF-8 with one BOM at the start of a new file; later entries append', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmtrace-'));
  const log = logIn(join(dir, 'Logs', 'Software'));
  log.info('first é');
  log.error('second');
  const again = logIn(join(dir, 'Logs', 'Software'));
  again.warning('third', { component: 'Merge-MfaWebConfig' });
  const bytes = readFileSync(join(dir, 'Logs', 'Software', 'MfaServerUpgrade.log'));
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8');
  assert.equal(text.split('\uFEFF').length, 2, 'exactly one BOM');
  const lines = text.slice(1).split('\r\n').filter(Boolean);
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^<!\[LOG\[first é\]LOG\]!>.*type="1" thread="4242" file="plan.ts">$/);
  assert.match(lines[1], /type="3"/);
  assert.match(lines[2], /component="Merge-MfaWebConfig"/);
});

test('rotation: Name.log → Name-1.log → … keeping maxFiles, each file starting with a BOM and under the limit', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmtrace-'));
  const log = logIn(dir, { maxBytes: 2048, maxFiles: 3 });
  const entry = (i: number) => `entry ${String(i).padStart(4, '0')} ${'x'.repeat(150)}`;
  for (let i = 0; i < 100; i++) log.info(entry(i));
  assert.deepEqual(readdirSync(dir).sort(), ['MfaServerUpgrade-1.log', 'MfaServerUpgrade-2.log', 'MfaServerUpgrade.log']);
  const read = (name: string) => readFileSync(join(dir, name));
  for (const name of readdirSync(dir)) {
    const b = read(name);
    assert.ok(b.length <= 2048, `${name} is ${b.length} bytes`);
    assert.deepEqual([...b.subarray(0, 3)], [0xef, 0xbb, 0xbf], name);
  }
  const numbers = (name: string) => [...read(name).toString('utf8').matchAll(/entry (\d{4})/g)].map((m) => Number(m[1]));
  const current = numbers('MfaServerUpgrade.log');
  const older = numbers('MfaServerUpgrade-1.log');
  const oldest = numbers('MfaServerUpgrade-2.log');
  assert.equal(current.at(-1), 99, 'the newest entry is in the current file');
  assert.equal(older.at(-1)! + 1, current[0], 'no entry lost between files');
  assert.equal(oldest.at(-1)! + 1, older[0]);
  assert.deepEqual(log.files().map((f) => f.split(/[\\/]/).pop()), ['MfaServerUpgrade.log', 'MfaServerUpgrade-1.log', 'MfaServerUpgrade-2.log']);
});

test('secrets are redacted in messages before they reach the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmtrace-'));
  const redactor = new SecretRedactor();
  redactor.register('S3cr3t!Pass');
  const log = logIn(dir, { redact: (t) => redactor.redact(t) });
  log.error('msiexec failed with WEB_SERVICE_SDK_AUTHENTICATION_PASSWORD=S3cr3t!Pass');
  const text = readFileSync(join(dir, 'MfaServerUpgrade.log'), 'utf8');
  assert.ok(!text.includes('S3cr3t!Pass'));
  assert.match(text, /PASSWORD=\*{8}\]LOG\]!>/);
});

test('by default the process-wide redactor is used', async () => {
  const { redactor } = await import('../../../core/util/secrets');
  redactor.register('Pr0cessWide#Secret');
  const dir = mkdtempSync(join(tmpdir(), 'cmtrace-'));
  logIn(dir).info('value Pr0cessWide#Secret');
  assert.ok(!readFileSync(join(dir, 'MfaServerUpgrade.log'), 'utf8').includes('Pr0cessWide#Secret'));
});
