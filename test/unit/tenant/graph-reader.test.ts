// The Graph reader and its -AccessToken transport against loopback servers that record every request: GET only (the
// transport takes no method), paging that stays on the base address, throttling with an injected sleeper (no real
// waits), national cloud addresses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startMockGraph, type MockGraph } from '../../helpers/mock-graph';
import { GraphReader } from '../../../core/tenant/graph-reader';
import { tokenTransport, type GraphTransport } from '../../../core/tenant/graph-transport';
import { graphBase, isGraphAddress, GRAPH_CLOUD_NAMES } from '../../../core/tenant/clouds';
import { CoreError } from '../../../core/util/errors';
import { redactor } from '../../../core/util/secrets';
import { toErrorBody } from '../../../core/util/envelope';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.unit-test-token.sig';
const mocks: MockGraph[] = [];
after(async () => {
  for (const m of mocks) await m.close();
});

async function mock(routes: Parameters<typeof startMockGraph>[0]): Promise<MockGraph> {
  const m = await startMockGraph(routes);
  mocks.push(m);
  return m;
}

function reader(m: MockGraph, sleeps: number[] = [], options: { maxRetries?: number; maxWaitSeconds?: number } = {}): GraphReader {
  const base = new URL(`${m.url}/v1.0/`);
  return new GraphReader(tokenTransport(TOKEN, base), base, { sleep: (ms) => (sleeps.push(ms), Promise.resolve()), ...options });
}

test('a transport has no way to send another verb: its interface takes an address and headers, and the server sees GET only', async () => {
  const m = await mock(() => ({ body: { ok: true } }));
  const transport: GraphTransport = tokenTransport(TOKEN, new URL(`${m.url}/v1.0/`));
  // The only request method a transport has; a call that tries to smuggle a method in its headers still sends GET.
  assert.deepEqual(Object.keys(transport).sort(), ['get', 'kind']);
  assert.equal(transport.get.length, 2);
  await transport.get(new URL(`${m.url}/v1.0/policies/authenticationMethodsPolicy`), { 'X-HTTP-Method-Override': 'PATCH' });
  await reader(m).get('domains');
  await reader(m).list('groups');
  assert.deepEqual([...new Set(m.requests.map((r) => r.method))], ['GET']);
  assert.ok(m.requests.every((r) => r.authorization === `Bearer ${TOKEN}`));
});

test('paging follows @odata.nextLink on the base address and returns every page in order', async () => {
  const m = await mock((path, _r, base) => {
    if (path.startsWith('/users?$top=2')) return { body: { value: [{ id: '1' }, { id: '2' }], '@odata.nextLink': `${base}/users?$skiptoken=b` } };
    if (path === '/users?$skiptoken=b') return { body: { value: [{ id: '3' }], '@odata.nextLink': `${base}/users?$skiptoken=c` } };
    if (path === '/users?$skiptoken=c') return { body: { value: [{ id: '4' }] } };
    return undefined;
  });
  const items = await reader(m).list<{ id: string }>('users?$top=2');
  assert.deepEqual(items.map((i) => i.id), ['1', '2', '3', '4']);
  assert.equal(m.requests.length, 3);
});

test('a nextLink to another host, port or version is refused before anything is sent there: the token never leaves the base', async () => {
  const elsewhere = await mock(() => ({ body: { value: [] } }));
  for (const link of [`${elsewhere.url}/v1.0/users?$skiptoken=x`, 'https://graph.microsoft.com.evil.example/v1.0/users', 'BASE/beta/users', 'not a url']) {
    const m = await mock((path, _r, base) => (path === '/users' ? { body: { value: [{ id: '1' }], '@odata.nextLink': link.replace('BASE', base.replace('/v1.0', '')) } } : undefined));
    await assert.rejects(reader(m).list('users'), (e: unknown) => e instanceof CoreError && e.code === 'GraphAddressRefused', link);
    assert.equal(m.requests.length, 1, link);
  }
  assert.equal(elsewhere.requests.length, 0, 'the foreign host was never called');
  // The transport itself is the last gate: an address off its base is refused without a connection.
  const m = await mock(() => ({ body: {} }));
  await assert.rejects(tokenTransport(TOKEN, new URL(`${m.url}/v1.0/`)).get(new URL(`${elsewhere.url}/v1.0/x`), {}), /Refused to send the access token/);
  assert.equal(elsewhere.requests.length, 0);
  // A relative path cannot climb out of the version either.
  assert.throws(() => reader(m).address('../beta/users'), /leaves/);
});

test('429 with Retry-After is retried after the seconds asked (through the injected sleeper); retries are bounded', async () => {
  let calls = 0;
  const m = await mock(() => (++calls < 3 ? { status: 429, headers: { 'Retry-After': '7' }, body: { error: { code: 'TooManyRequests' } } } : { body: { id: 'x' } }));
  const sleeps: number[] = [];
  assert.deepEqual(await reader(m, sleeps).get('domains/x'), { id: 'x' });
  assert.deepEqual(sleeps, [7000, 7000]);

  const always = await mock(() => ({ status: 429, headers: { 'Retry-After': '1' }, body: {} }));
  const waited: number[] = [];
  await assert.rejects(reader(always, waited, { maxRetries: 3 }).get('x'), (e: unknown) => e instanceof CoreError && e.code === 'GraphThrottled' && /4 times/.test(e.message));
  assert.equal(always.requests.length, 4);
  assert.deepEqual(waited, [1000, 1000, 1000]);

  // Without Retry-After: 1, 2, 4 s; an HTTP date is measured against the clock; a wait past the bound is not made.
  const bare = await mock(() => ({ status: 503, body: {} }));
  const backoff: number[] = [];
  await assert.rejects(reader(bare, backoff, { maxRetries: 3 }).get('x'));
  assert.deepEqual(backoff, [1000, 2000, 4000]);
  const long = await mock(() => ({ status: 429, headers: { 'Retry-After': '3600' }, body: {} }));
  const none: number[] = [];
  await assert.rejects(reader(long, none).get('x'), /asked to wait 3600 s, longer than 120 s/);
  assert.deepEqual(none, []);
});

test('errors name the status and Graph\'s code; 401 is GraphUnauthorized; a body that echoes the token is masked once registered', async () => {
  const m = await mock((path, r) => (path === '/denied'
    ? { status: 403, body: { error: { code: 'Authorization_RequestDenied', message: 'Insufficient privileges to complete the operation.' } } }
    : { status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: `Token ${r.authorization ?? ''} is expired.` } } }));
  await assert.rejects(reader(m).get('denied'), (e: unknown) => e instanceof CoreError && e.code === 'GraphRequestFailed' && e.details.status === 403 &&
    /403 for GET \/v1\.0\/denied \(Authorization_RequestDenied: Insufficient privileges/.test(e.message));
  const unauthorized = await reader(m).get('me').then(() => null, (e: unknown) => e);
  assert.ok(unauthorized instanceof CoreError && unauthorized.code === 'GraphUnauthorized');
  redactor.register(TOKEN); // what open-reader.ts does with every -AccessToken
  try {
    const body = toErrorBody(unauthorized);
    assert.ok(!body.message.includes(TOKEN) && body.message.includes('Token Bearer ********'), body.message);
  } finally {
    redactor.forget();
  }
});

test('national clouds: the four Graph service roots of Microsoft Learn "National cloud deployments", v1.0', () => {
  assert.deepEqual(GRAPH_CLOUD_NAMES.map((c) => graphBase(c).href), [
    'https://graph.microsoft.com/v1.0/',
    'https://graph.microsoft.us/v1.0/',
    'https://dod-graph.microsoft.us/v1.0/',
    'https://microsoftgraph.chinacloudapi.cn/v1.0/',
  ]);
  assert.ok(isGraphAddress(new URL('https://dod-graph.microsoft.us/v1.0/domains')));
  assert.ok(!isGraphAddress(new URL('http://graph.microsoft.com/v1.0/domains')));
  assert.ok(!isGraphAddress(new URL('https://graph.microsoft.com:8443/v1.0/domains')));
});
