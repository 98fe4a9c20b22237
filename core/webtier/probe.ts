/**
 * One endpoint probed the way Microsoft's manual check goes (S3a, S13), with node's own dns, net, tls and https:
 * the name resolves, a TCP connection opens, the TLS certificate is trusted, current and names the URL's host, and
 * the page answers as it should: PfWsSdk.asmx asks for credentials without them (401) and, with the service account
 * of the consumer's file (HTTP Basic, which the SDK's vdir uses: S9), answers 200; PfPaWs.asmx answers the SOAP 1.1
 * call TestPfWsSdkConnection (namespace http://www.phonefactor.com/PfPaWs, S13 and a public test script), which makes
 * the mobile app web service call the SDK and changes nothing; a portal page answers 200 or a redirect.
 * INFERENCE: the shape of TestPfWsSdkConnection's answer is not documented: any SOAP answer naming
 * TestPfWsSdkConnectionResponse without a Fault passes, and its result text is shown.
 * The password goes into one Authorization header and nowhere else; every text shown passes the redactor.
 */
import { lookup } from 'node:dns/promises';
import { connect as netConnect, isIP, type LookupFunction, type Socket } from 'node:net';
import { checkServerIdentity, connect as tlsConnect, rootCertificates, type PeerCertificate, type TLSSocket } from 'node:tls';
import { request as httpsRequest } from 'node:https';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { redactor } from '../util/secrets';
import type { SdkAccount } from './types';

export type ProbeResult =
  | 'Passed' | 'DnsFailed' | 'Refused' | 'TimedOut' | 'TlsNameMismatch' | 'TlsExpired' | 'TlsUntrusted' | 'CredentialsRejected' | 'AspNetError'
  | 'UnexpectedAnswer';
export const PROBE_RESULTS: ProbeResult[] = [
  'Passed', 'DnsFailed', 'Refused', 'TimedOut', 'TlsNameMismatch', 'TlsExpired', 'TlsUntrusted', 'CredentialsRejected', 'AspNetError', 'UnexpectedAnswer',
];
export type EndpointRole = 'Sdk' | 'MobileApp' | 'Portal';

export interface ProbeOptions {
  timeoutMs: number;
  /** Extra trusted roots (PEM), added to node's own; for a private CA and for tests. */
  trusted?: string[];
}

export interface CertificateSeen {
  subject: string;
  names: string[];
  issuer: string;
  notAfter: string;
}

export interface ProbeOutcome {
  result: ProbeResult;
  /** Every problem found, in the order checked (result is the first; TLS problems do not stop the HTTP check). */
  problems: ProbeResult[];
  address: string | null;
  status: number | null;
  certificate: CertificateSeen | null;
  detail: string;
}

const SOAP_ACTION = 'http://www.phonefactor.com/PfPaWs/TestPfWsSdkConnection';
const SOAP_ENVELOPE = [
  '<?xml version="1.0" encoding="utf-8"?>',
  '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" ' +
    'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">',
  '  <soap:Body>',
  '    <TestPfWsSdkConnection xmlns="http://www.phonefactor.com/PfPaWs" />',
  '  </soap:Body>',
  '</soap:Envelope>',
].join('\r\n');
const MAX_BODY = 64 * 1024;

class Failure extends Error {
  constructor(readonly result: ProbeResult, detail: string) {
    super(detail);
  }
}

const errnoOf = (e: unknown) => (e as NodeJS.ErrnoException).code ?? '';

async function resolve(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true })).map((a) => a.address);
  } catch (e) {
    throw new Failure('DnsFailed', `${host} does not resolve (${errnoOf(e) || String(e)})`);
  }
}

function tcpConnect(address: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const socket = netConnect({ host: address, port });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      fail(new Failure('TimedOut', `no TCP answer from ${address}:${port} within ${timeoutMs / 1000} s`));
    });
    socket.once('connect', () => {
      socket.setTimeout(0);
      ok(socket);
    });
    socket.once('error', (e) => {
      const code = errnoOf(e);
      fail(new Failure(code === 'ETIMEDOUT' ? 'TimedOut' : 'Refused', `${address}:${port} refused the connection (${code || e.message})`));
    });
  });
}

/** The first address that accepts a connection (as a browser tries each address a name has). */
async function firstReachable(addresses: string[], port: number, timeoutMs: number): Promise<{ address: string; socket: Socket }> {
  let last: unknown;
  for (const address of addresses) {
    try {
      return { address, socket: await tcpConnect(address, port, timeoutMs) };
    } catch (e) {
      last = e;
    }
  }
  throw last;
}

const trustedRoots = (o: ProbeOptions) => (o.trusted && o.trusted.length > 0 ? [...rootCertificates, ...o.trusted] : undefined);

function tlsHandshake(socket: Socket, host: string, options: ProbeOptions): Promise<TLSSocket> {
  return new Promise((ok, fail) => {
    const tls = tlsConnect({ socket, servername: isIP(host) ? undefined : host, ca: trustedRoots(options), rejectUnauthorized: false });
    tls.setTimeout(options.timeoutMs, () => {
      tls.destroy();
      fail(new Failure('TimedOut', `no TLS handshake with ${host} within ${options.timeoutMs / 1000} s`));
    });
    tls.once('secureConnect', () => ok(tls));
    tls.once('error', (e: Error) => fail(new Failure('TlsUntrusted', `TLS handshake with ${host} failed (${errnoOf(e) || e.message})`)));
  });
}

function certificateSeen(peer: PeerCertificate): CertificateSeen {
  const names = (peer.subjectaltname ?? '').split(/,\s*/).filter((n) => n !== '');
  const cn = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(', ') : v ?? '');
  return { subject: cn(peer.subject?.CN), names, issuer: cn(peer.issuer?.CN), notAfter: new Date(peer.valid_to).toISOString() };
}

/** The TLS problems of the certificate the server presented, in the order an admin fixes them. */
function tlsProblems(tls: TLSSocket, host: string): { problems: { result: ProbeResult; why: string }[]; certificate: CertificateSeen } {
  const peer = tls.getPeerCertificate();
  const certificate = certificateSeen(peer);
  const problems: { result: ProbeResult; why: string }[] = [];
  // node reports a name mismatch as an authorization error too (ERR_TLS_CERT_ALTNAME_INVALID): the name is checked below.
  const reported = tls.authorizationError ? String(tls.authorizationError) : '';
  const why = reported === 'ERR_TLS_CERT_ALTNAME_INVALID' ? '' : reported;
  if (why === 'CERT_HAS_EXPIRED' || why === 'CERT_NOT_YET_VALID') {
    problems.push({ result: 'TlsExpired', why: `certificate valid until ${certificate.notAfter} (${why})` });
  }
  else if (why) problems.push({ result: 'TlsUntrusted', why: `certificate issued by '${certificate.issuer}' is not trusted here (${why})` });
  const mismatch = checkServerIdentity(host.replace(/^\[|\]$/g, ''), peer);
  if (mismatch) {
    problems.push({ result: 'TlsNameMismatch', why: `the certificate names ${certificate.names.join(', ') || `CN=${certificate.subject}`}, not ${host}` });
  }
  return { problems, certificate };
}

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

function httpCall(url: URL, address: string, options: ProbeOptions, init: { method: string; headers: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((ok, fail) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(
      url,
      {
        method: init.method,
        headers: init.headers,
        agent: false,
        // The address already reached: node asks for one address or (autoSelectFamily) for a list.
        lookup: ((_h: string, o: { all?: boolean }, cb: (e: null, a: unknown, f?: number) => void) =>
          o.all ? cb(null, [{ address, family: isIP(address) }]) : cb(null, address, isIP(address))) as unknown as LookupFunction,
        servername: isIP(url.hostname) ? undefined : url.hostname,
        ca: trustedRoots(options),
        rejectUnauthorized: false,
        timeout: options.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          if (size < MAX_BODY) chunks.push(c);
          size += c.length;
        });
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', fail);
      },
    );
    req.on('timeout', () => req.destroy(new Failure('TimedOut', `no HTTP answer from ${url.host} within ${options.timeoutMs / 1000} s`)));
    req.on('error', (e) => fail(e instanceof Failure ? e : new Failure('Refused', `HTTP request to ${url.host} failed (${errnoOf(e) || e.message})`)));
    req.end(init.body);
  });
}

/** The title of an HTML error page (ASP.NET's "Server Error in '/MultiFactorAuth' Application."), whitespace collapsed. */
export function pageTitle(body: string): string | null {
  const m = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body);
  if (!m) return null;
  const text = m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  return text.replace(/\s+/g, ' ').trim();
}

function unexpected(answer: Answer, what: string): Failure {
  const title = pageTitle(answer.body);
  if (answer.status >= 500 && title && !/soap:Fault|<Fault/i.test(answer.body)) return new Failure('AspNetError', `HTTP ${answer.status}: ${title}`);
  const fault = /<faultstring>([\s\S]*?)<\/faultstring>/i.exec(answer.body)?.[1];
  return new Failure('UnexpectedAnswer', `${what}; got HTTP ${answer.status}${fault ? `, SOAP fault: ${fault.trim()}` : title ? ` (${title})` : ''}`);
}

/** What the page must answer, by role. Returns the detail of a pass; throws a Failure otherwise. */
interface AnswerCheck {
  url: URL;
  address: string;
  role: EndpointRole;
  account: SdkAccount | undefined;
  /** False when the connection is not a trusted TLS one: the password is then never sent. */
  safeForPassword: boolean;
  status: (n: number) => void;
}

async function checkAnswer({ url, address, role, account, safeForPassword, status }: AnswerCheck, options: ProbeOptions) {
  const call = async (init: { method: string; headers: Record<string, string>; body?: string }) => {
    const answer = await httpCall(url, address, options, init);
    status(answer.status);
    return answer;
  };
  if (role === 'MobileApp') {
    const answer = await call({
      method: 'POST',
      headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: `"${SOAP_ACTION}"` },
      body: SOAP_ENVELOPE,
    });
    if (answer.status !== 200 || !/TestPfWsSdkConnectionResponse/.test(answer.body)) throw unexpected(answer, 'TestPfWsSdkConnection should answer');
    const result = /<TestPfWsSdkConnectionResult>([\s\S]*?)<\/TestPfWsSdkConnectionResult>/.exec(answer.body)?.[1]?.trim();
    return `TestPfWsSdkConnection answered${result ? `: ${result}` : ''}`;
  }
  const anonymous = await call({ method: 'GET', headers: {} });
  if (role === 'Portal') {
    if (anonymous.status === 200 || (anonymous.status >= 300 && anonymous.status < 400)) return `the page answers HTTP ${anonymous.status}`;
    throw unexpected(anonymous, 'the portal page should answer');
  }
  if (anonymous.status !== 401) throw unexpected(anonymous, 'PfWsSdk.asmx should ask for credentials (HTTP 401) when called without them');
  if (!account) return 'asks for credentials (HTTP 401); no service account is known for this URL, so the call with it was not made';
  // A certificate that is untrusted, expired or for another name could be anyone's: the password is not sent to it
  // (.NET in the consumer would refuse that connection too), nor in clear over plain HTTP.
  if (!safeForPassword) return 'asks for credentials (HTTP 401); the service account was not sent: the connection is not a trusted TLS one';
  const basic = Buffer.from(`${account.username}:${account.password}`, 'utf8').toString('base64');
  redactor.register(basic);
  const signedIn = await call({ method: 'GET', headers: { Authorization: `Basic ${basic}` } });
  if (signedIn.status === 401 || signedIn.status === 403) {
    const why = 'wrong password, or not in PhoneFactor Admins';
    throw new Failure('CredentialsRejected', `the service account ${account.username} was refused (HTTP ${signedIn.status}): ${why}`);
  }
  if (signedIn.status !== 200) throw unexpected(signedIn, `with the service account ${account.username}, PfWsSdk.asmx should answer`);
  return `asks for credentials (HTTP 401) and answers the service account ${account.username} (HTTP 200)`;
}

export async function probeEndpoint(text: string, role: EndpointRole, account: SdkAccount | undefined, options: ProbeOptions): Promise<ProbeOutcome> {
  const outcome: ProbeOutcome = { result: 'Passed', problems: [], address: null, status: null, certificate: null, detail: '' };
  const notes: string[] = [];
  const fail = (result: ProbeResult, why: string) => {
    outcome.problems.push(result);
    notes.push(why);
  };
  try {
    const url = new URL(text);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    const { address, socket } = await firstReachable(await resolve(host), port, options.timeoutMs);
    outcome.address = address;
    if (url.protocol === 'https:') {
      const tls = await tlsHandshake(socket, host, options);
      const seen = tlsProblems(tls, host);
      outcome.certificate = seen.certificate;
      seen.problems.forEach((p) => fail(p.result, p.why));
      tls.destroy();
    } else {
      socket.destroy();
      notes.push('plain HTTP: the SDK credentials cross the network unencrypted');
    }
    try {
      const safe = url.protocol === 'https:' && outcome.problems.length === 0;
      notes.push(await checkAnswer({ url, address, role, account, safeForPassword: safe, status: (n) => (outcome.status = n) }, options));
    } catch (e) {
      if (!(e instanceof Failure)) throw e;
      fail(e.result, e.message);
    }
  } catch (e) {
    if (e instanceof Failure) fail(e.result, e.message);
    else if (e instanceof TypeError) fail('UnexpectedAnswer', `'${text}' is not an absolute URL`);
    else throw e;
  }
  outcome.result = outcome.problems[0] ?? 'Passed';
  outcome.detail = redactor.redact(notes.join('; ') + '.');
  return outcome;
}

/** What a TLS 1.2 probe found: the first problem, or Passed. */
export type Tls12Result =
  | 'Passed' | 'DnsFailed' | 'Refused' | 'TimedOut' | 'Tls12Refused' | 'TlsHandshakeFailed' | 'TlsUntrusted' | 'TlsExpired' | 'TlsNameMismatch';

export interface Tls12Outcome {
  result: Tls12Result;
  address: string | null;
  /** The protocol negotiated (TLSv1.2), or null when no handshake completed. */
  protocol: string | null;
  detail: string;
}

/** Handshake errors that mean "the server would not speak TLS 1.2" (measured with node 20 on OpenSSL 3.0). */
const VERSION_ERRORS = new Set(['ERR_SSL_UNSUPPORTED_PROTOCOL', 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_VERSION_TOO_LOW']);

/**
 * DNS, TCP and a TLS handshake offering TLS 1.2 only (what a .NET 4.x client with strong crypto offers), then the
 * certificate's trust, dates and name (a .NET client refuses those too). The connection is closed after the handshake:
 * nothing is sent.
 */
export async function probeTls12(host: string, port: number, options: ProbeOptions): Promise<Tls12Outcome> {
  const outcome: Tls12Outcome = { result: 'Passed', address: null, protocol: null, detail: '' };
  try {
    const { address, socket } = await firstReachable(await resolve(host), port, options.timeoutMs);
    outcome.address = address;
    const tls = await new Promise<TLSSocket>((ok, fail) => {
      const s = tlsConnect({ socket, servername: isIP(host) ? undefined : host, ca: trustedRoots(options), rejectUnauthorized: false,
        minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
      s.setTimeout(options.timeoutMs, () => {
        s.destroy();
        fail(new Failure('TimedOut', `no TLS handshake with ${host} within ${options.timeoutMs / 1000} s`));
      });
      s.once('secureConnect', () => ok(s));
      s.once('error', (e: Error) => {
        const code = errnoOf(e);
        fail(VERSION_ERRORS.has(code)
          ? new Failure('Tls12Refused' as ProbeResult, `${host}:${port} does not accept a TLS 1.2 handshake (${code})`)
          : new Failure('TlsHandshakeFailed' as ProbeResult, `TLS 1.2 handshake with ${host}:${port} failed (${code || e.message})`));
      });
    });
    outcome.protocol = tls.getProtocol();
    const seen = tlsProblems(tls, host);
    tls.destroy();
    const first = seen.problems[0];
    outcome.result = first ? (first.result as Tls12Result) : 'Passed';
    outcome.detail = first ? seen.problems.map((p) => p.why).join('; ') : `${host} (${address}:${port}) negotiated ${outcome.protocol}, certificate ` +
      `'${seen.certificate.subject}' issued by '${seen.certificate.issuer}'`;
  } catch (e) {
    if (!(e instanceof Failure)) throw e;
    outcome.result = e.result as Tls12Result;
    outcome.detail = e.message;
  }
  return outcome;
}
