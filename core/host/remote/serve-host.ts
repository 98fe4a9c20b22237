/**
 * `mfa-core --serve-host`: the far side of a remote connection kept running for the whole session, so a host call costs
 * one round trip instead of one round trip plus a Node start. Reads one JSON array of host calls per line on stdin and
 * writes one answer per line on stdout ({ok:true,result:[outcomes]} or {ok:false,error}); batches run one after the
 * other, in the order they arrived. Ends when stdin ends (the session closed or its PowerShell went away).
 */
import * as readline from 'node:readline';
import { dispatchCalls, parseCalls } from './host-dispatch';
import { toErrorBody } from '../../util/envelope';

export async function serveHostCalls(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Promise<void> {
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    let answer: unknown;
    try {
      answer = { ok: true, result: await dispatchCalls(parseCalls(line.replace(/^\uFEFF/, ''))) };
    } catch (e) {
      answer = { ok: false, error: toErrorBody(e) };
    }
    await new Promise<void>((resolve, reject) => output.write(JSON.stringify(answer) + '\n', (e) => (e ? reject(e) : resolve())));
  }
}
