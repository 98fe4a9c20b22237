/**
 * `mfa-core --serve-host`: the far side of a remote connection kept running for the whole session, so a host call costs
 * one round trip instead of one round trip plus a Node start. Reads one JSON array of host calls per line on stdin and
 * writes one answer per line on stdout ({ok:true,result:[outcomes]} or {ok:false,error}); batches run one after the
 * other, in the order they arrived. Ends when stdin ends (the session closed or its PowerShell went away).
 *
 * Between two commands the session and this core are kept (parked, remote-scripts.ts CLOSE_SESSION): the line
 * FORGET_LINE (host-rpc.ts) makes it forget every secret value it learned, as the local warm core does between calls
 * (runtime/serve.ts), and it answers FORGOT_LINE.
 */
import * as readline from 'node:readline';
import { dispatchCalls, parseCalls } from './host-dispatch';
import { toErrorBody } from '../../util/envelope';
import { redactor } from '../../util/secrets';
import { FORGET_LINE, FORGOT_LINE } from './host-rpc';

export async function serveHostCalls(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<void> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  const write = (text: string) => new Promise<void>((resolve, reject) => output.write(text + '\n', (e) => (e ? reject(e) : resolve())));
  for await (const raw of lines) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (line === '') continue;
    if (line === FORGET_LINE) {
      redactor.forget();
      await write(FORGOT_LINE);
      continue;
    }
    let answer: unknown;
    try {
      answer = { ok: true, result: await dispatchCalls(parseCalls(line)) };
    } catch (e) {
      answer = { ok: false, error: toErrorBody(e) };
    }
    await write(JSON.stringify(answer));
  }
}
