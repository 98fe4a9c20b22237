/**
 * A loopback stand-in for Microsoft Graph (node http on 127.0.0.1, a free port) that the tenant tests start: it answers
 * from a route table, and records EVERY request (method, path and query, whether an Authorization header came, which
 * Graph host it was meant for), so tests can assert that nothing but GET was ever sent.
 * Next-page links point at the base the request was meant for: the stand-in Invoke-MgGraphRequest sends the Graph
 * host it was given in X-Original-Base, so links stay on graph.microsoft.us when the core asked for graph.microsoft.us.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path and query, decoded. */
  path: string;
  authorization: string | null;
  originalBase: string | null;
  prefer: string | null;
}

export interface MockReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A route: the decoded path and query of a request (without /v1.0) and the base links must use → a reply, or undefined for 404. */
export type MockRoutes = (pathAndQuery: string, request: RecordedRequest, base: string) => MockReply | undefined;

export interface MockGraph {
  /** http://127.0.0.1:<port> */
  url: string;
  requests: RecordedRequest[];
  routes: MockRoutes;
  close(): Promise<void>;
}

export async function startMockGraph(routes: MockRoutes): Promise<MockGraph> {
  const mock: MockGraph = { url: '', requests: [], routes, close: () => Promise.resolve() };
  const server = http.createServer((req, res) => {
    const header = (name: string) => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : null;
    };
    const raw = req.url ?? '/';
    const recorded: RecordedRequest = {
      method: req.method ?? '?',
      path: decodeURIComponent(raw),
      authorization: header('authorization'),
      originalBase: header('x-original-base'),
      prefer: header('prefer'),
    };
    mock.requests.push(recorded);
    req.resume();
    const base = `${recorded.originalBase ?? mock.url}/v1.0`;
    const reply = recorded.path.startsWith('/v1.0/') ? mock.routes(recorded.path.slice('/v1.0'.length), recorded, base) : undefined;
    const status = reply?.status ?? (reply ? 200 : 404);
    const body = reply?.body ?? (reply ? {} : { error: { code: 'Request_ResourceNotFound', message: `Resource '${recorded.path}' does not exist.` } });
    res.writeHead(status, { 'Content-Type': 'application/json', ...(reply?.headers ?? {}) });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  mock.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  mock.close = () => new Promise((resolve) => server.close(() => resolve()));
  return mock;
}
