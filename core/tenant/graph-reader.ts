/**
 * Reads Microsoft Graph: one object (`get`) or a whole collection (`list`, following `@odata.nextLink`), with
 * throttling handled. Every request is a GET through a GraphTransport, which has no other verb.
 *
 * - Paging: a next-page link is followed only when it stays on the reader's base address (same scheme, host, port and
 *   version path): a link elsewhere is refused (GraphAddressRefused) before anything is sent, so neither a token nor
 *   the caller's Graph session is ever pointed at another host. A link seen twice ends the read (a loop).
 * - Throttling: 429 Too Many Requests and 503 Service Unavailable are retried after the Retry-After the answer gives
 *   (seconds, or an HTTP date), else after 1, 2, 4, 8 s; at most `maxRetries` times, and never a wait longer than
 *   `maxWaitSeconds` (then GraphThrottled says how long Graph asked for). Source: Microsoft Learn, "Microsoft Graph
 *   throttling guidance" (https://learn.microsoft.com/graph/throttling). The wait goes through `sleep`, which tests
 *   replace: no test sleeps for real.
 */
import { CoreError } from '../util/errors';
import type { GraphResponse, GraphTransport } from './graph-transport';

export interface GraphReaderOptions {
  sleep?: (ms: number) => Promise<void>;
  maxRetries?: number;
  maxWaitSeconds?: number;
  /** Verbose lines: each wait, each request's path (never a header). */
  log?: (message: string) => void;
  /** The clock Retry-After dates are measured against. */
  now?: () => number;
}

export const DEFAULT_MAX_RETRIES = 4;
export const DEFAULT_MAX_WAIT_SECONDS = 120;

/** A collection page as Graph sends it. */
interface Page<T> {
  value?: T[];
  '@odata.nextLink'?: string;
}

export class GraphReader {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly maxWaitSeconds: number;
  private readonly log: (message: string) => void;
  private readonly now: () => number;

  constructor(
    readonly transport: GraphTransport,
    readonly base: URL,
    options: GraphReaderOptions = {},
  ) {
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.maxWaitSeconds = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
    this.log = options.log ?? (() => undefined);
    this.now = options.now ?? Date.now;
  }

  /** One resource: `path` is relative to the base (`policies/authenticationMethodsPolicy`). */
  async get<T>(path: string, headers: Record<string, string> = {}): Promise<T> {
    return (await this.read(this.address(path), headers)) as T;
  }

  /** Every item of a collection, page after page. `limit`: stop once that many items are read (a count that only needs to pass a bound). */
  async list<T>(path: string, headers: Record<string, string> = {}, limit = Infinity): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let next: URL | null = this.address(path);
    while (next && items.length < limit) {
      seen.add(next.href);
      const page = (await this.read(next, headers)) as Page<T>;
      items.push(...(Array.isArray(page.value) ? page.value : []));
      const link = page['@odata.nextLink'];
      next = typeof link === 'string' ? this.nextPage(link) : null;
      if (next && seen.has(next.href)) throw new CoreError('GraphRequestFailed',
        `Microsoft Graph linked back to a page already read (${next.pathname}): paging stopped.`, next.pathname);
    }
    return items;
  }

  /** The base plus a relative path; a path that would climb out of the base (`../beta/…`) is refused. */
  address(path: string): URL {
    const url = new URL(path.replace(/^\/+/, ''), this.base);
    if (!this.isUnderBase(url)) throw new CoreError('GraphAddressRefused', `The Graph path '${path}' leaves ${this.base.href}: refused.`, path);
    return url;
  }

  private nextPage(link: string): URL {
    let url: URL;
    try {
      url = new URL(link);
    } catch {
      throw new CoreError('GraphAddressRefused', 'Microsoft Graph sent a next-page link that is not an absolute address: paging stopped.', 'nextLink');
    }
    if (!this.isUnderBase(url)) {
      throw new CoreError(
        'GraphAddressRefused',
        `Microsoft Graph sent a next-page link to ${url.origin}${url.pathname}, outside ${this.base.href}: it was not followed (a request there would carry ` +
          'your sign-in to another address).',
        url.origin,
      );
    }
    return url;
  }

  private isUnderBase(url: URL): boolean {
    return url.origin === this.base.origin && url.pathname.startsWith(this.base.pathname) && url.username === '' && url.password === '';
  }

  private async read(url: URL, headers: Record<string, string>): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      this.log(`GET ${url.pathname}${url.search}`);
      const response = await this.transport.get(url, headers);
      if (response.status >= 200 && response.status < 300) return parseBody(response, url);
      if (response.status !== 429 && response.status !== 503) throw graphError(response, url);
      const waitMs = this.retryDelay(response.retryAfter, attempt);
      const asked = `Microsoft Graph answered ${response.status} (${response.status === 429 ? 'throttled' : 'unavailable'}) for ${url.pathname}`;
      if (attempt >= this.maxRetries) {
        throw new CoreError('GraphThrottled', `${asked} ${attempt + 1} times: gave up. Wait ${Math.ceil(waitMs / 1000)} s and run again.`, url.pathname, {
          status: response.status,
        });
      }
      if (waitMs > this.maxWaitSeconds * 1000) {
        throw new CoreError('GraphThrottled',
          `${asked} and asked to wait ${Math.ceil(waitMs / 1000)} s, longer than ${this.maxWaitSeconds} s: run again later.`, url.pathname, {
          status: response.status,
        });
      }
      this.log(`${asked}; waiting ${waitMs / 1000} s (Retry-After: ${response.retryAfter ?? 'none'}), retry ${attempt + 1} of ${this.maxRetries}.`);
      await this.sleep(waitMs);
    }
  }

  /** Retry-After in seconds or as an HTTP date; without one (or a bad one), 1, 2, 4, 8 s. */
  private retryDelay(retryAfter: string | null, attempt: number): number {
    const text = retryAfter?.trim() ?? '';
    if (/^\d+$/.test(text)) return Number(text) * 1000;
    const date = text ? Date.parse(text) : NaN;
    if (!Number.isNaN(date)) return Math.max(0, date - this.now());
    return 1000 * 2 ** Math.min(attempt, 3);
  }
}

function parseBody(response: GraphResponse, url: URL): unknown {
  try {
    return JSON.parse(response.body.replace(/^\uFEFF/, '')) as unknown;
  } catch {
    throw new CoreError('GraphRequestFailed', `Microsoft Graph answered ${url.pathname} with ${response.status} but not with JSON.`, url.pathname,
      { status: response.status });
  }
}

/** Graph's error body: {"error":{"code":"…","message":"…"}} (Microsoft Learn, "Microsoft Graph error responses and resource types"). */
function graphError(response: GraphResponse, url: URL): CoreError {
  let code = '';
  let message: string;
  try {
    const error = (JSON.parse(response.body) as { error?: { code?: unknown; message?: unknown } }).error;
    code = typeof error?.code === 'string' ? error.code : '';
    message = typeof error?.message === 'string' ? error.message : '';
  } catch {
    message = response.body.slice(0, 300);
  }
  const said = [code, message].filter(Boolean).join(': ');
  const text = `Microsoft Graph answered ${response.status} for GET ${url.pathname}${said ? ` (${said})` : ''}.`;
  const details = { status: response.status, graphCode: code || null };
  if (response.status === 401) return new CoreError('GraphUnauthorized', text, url.pathname, details);
  return new CoreError('GraphRequestFailed', text, url.pathname, details);
}

/** The HTTP status of a Graph read error (403: a permission missing), or null for any other failure. */
export function graphStatus(e: unknown): number | null {
  if (!(e instanceof CoreError) || e.code !== 'GraphRequestFailed') return null;
  const status = e.details.status;
  return typeof status === 'number' ? status : null;
}
