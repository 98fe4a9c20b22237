// The far core kept between commands (mfa-core --serve-host): the forget line drops every secret value it learned,
// as the local warm core does between calls (runtime/serve.ts calls redactor.forget(); secrets.test.ts proves forget()).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { serveHostCalls } from '../../../../core/host/remote/serve-host';
import { FORGET_LINE, FORGOT_LINE } from '../../../../core/host/remote/host-rpc';
import { redactor } from '../../../../core/util/secrets';

/** Runs the far core on in-memory streams; resolves with every line it wrote once its input ends. */
async function serveLines(lines: string[], between: (index: number) => void = () => undefined): Promise<string[]> {
  const input = new PassThrough();
  const output = new PassThrough();
  const written: string[] = [];
  let buffered = '';
  output.on('data', (d: Buffer) => {
    buffered += d.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    written.push(...parts);
  });
  const served = serveHostCalls(input, output);
  for (const [i, line] of lines.entries()) {
    between(i);
    const answered = written.length;
    input.write(line + '\n');
    while (written.length === answered) await new Promise((r) => setImmediate(r));
  }
  input.end();
  await served;
  return written;
}

test('the forget line makes the far core forget the secrets it learned; it answers with a line no batch reader takes for its answer', async () => {
  const secret = 'Far-Side-S3cret!';
  let redactedBefore = '';
  const lines = await serveLines(['[]', FORGET_LINE, '[]'], (i) => {
    if (i === 0) redactor.register(secret); // learned during the command (an installer's secret property)
    if (i === 1) redactedBefore = redactor.redact(`failed with ${secret}`);
  });
  assert.equal(redactedBefore, 'failed with ********', 'the secret was known during the command');
  assert.deepEqual(lines, ['{"ok":true,"result":[]}', FORGOT_LINE, '{"ok":true,"result":[]}']);
  assert.ok(!FORGOT_LINE.startsWith('{"ok":'), 'RUN_FAR_SERVE reads only lines starting {"ok": as answers');
  assert.equal(redactor.redact(`failed with ${secret}`), `failed with ${secret}`, 'forgotten after the forget line');
});
