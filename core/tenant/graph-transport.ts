/**
 * How a request reaches Microsoft Graph. A transport has one verb, GET, and no way to name another: the interface takes
 * an address and headers, never a method, so no code of the tenant feature can change the tenant (test/unit/tenant
 * proves it against a loopback server that records every request's method).
 * Two transports: the caller's connected Graph PowerShell session (graph-broker.ts: the token never reaches the
 * core) and -AccessToken (below: the token lives in this process's memory for the call, only in an Authorization header
 * sent to the base address it was given for).
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { CoreError } from '../util/errors';

/** Graph's answer to one GET: the status, its Retry-After header (throttling) and the body as text. */
export interface GraphResponse {
  status: number;
  retryAfter: string | null;
  body: string;
}

export interface GraphTransport {
  /** 'AccessToken' or 'Brokered': said in the verbose stream, never anything about the token. */
  readonly kind: 'AccessToken' | 'Brokered';
  get(url: URL, headers: Readonly<Record<string, string>>): Promise<GraphResponse>;
}

/** A page of Graph is well under this; more is not Graph talking (and would fill memory). */
const MAX_BODY_BYTES = 64 << 20;
const TIMEOUT_MS = 120_000;

/**
 * GETs with the token in an Authorization header, to `base`'s origin only: an address elsewhere is refused before
 * anything is sent (the reader already refuses foreign next-page links; this is the last gate before the socket).
 * Redirects are not followed (http.get does not), so a 3xx cannot carry the token elsewhere either.
 */
export function tokenTransport(token: string, base: URL): GraphTransport {
  return {
    kind: 'AccessToken',
    get(url, headers) {
      if (url.origin !== base.origin) {
        return Promise.reject(new CoreError('GraphAddressRefused', `Refused to send the access token to ${url.origin}: only ${base.origin} is read.`,
          url.origin));
      }
      const client = url.protocol === 'https:' ? https : http;
      const options = { headers: { ...headers, Accept: 'application/json', Authorization: `Bearer ${token}` }, timeout: TIMEOUT_MS };
      return new Promise<GraphResponse>((resolve, reject) => {
        const request = client.get(url, options, (response) => {
          const chunks: Buffer[] = [];
          let size = 0;
          response.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) request.destroy(new Error(`the answer is larger than ${MAX_BODY_BYTES >> 20} MiB`));
            else chunks.push(chunk);
          });
          response.on('end', () => {
            const retryAfter = response.headers['retry-after'];
            resolve({ status: response.statusCode ?? 0, retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
              body: Buffer.concat(chunks).toString('utf8') });
          });
          response.on('error', (e) => reject(unreachable(url, e)));
        });
        request.on('timeout', () => request.destroy(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)));
        request.on('error', (e) => reject(unreachable(url, e)));
      });
    },
  };
}

function unreachable(url: URL, e: Error): CoreError {
  const code = (e as NodeJS.ErrnoException).code;
  return new CoreError('GraphRequestFailed', `Microsoft Graph at ${url.origin} could not be read: ${code ? `${code}: ` : ''}${e.message}.`, url.origin);
}
