// A loopback stand-in for the MFA web tier, for Test-MfaWebTier's tests: node https servers on 127.0.0.1, one per
// certificate (made here with Debian's openssl: a test CA, a matching name, another name, an IP-only SAN, an expired
// one and a self-signed one nobody trusts), all answering like the SDK (PfWsSdk.asmx: 401 without credentials, 200
// with the right Basic account), the mobile app web service (PfPaWs.asmx: the TestPfWsSdkConnection SOAP call) and
// the user portal (any other page: 200).
// `mode` switches every server into a failure: an ASP.NET error page, an SDK that answers without credentials, a SOAP
// fault. Plus a port that refuses connections and one that accepts but never speaks (time-out).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export type CertName = 'matching' | 'otherName' | 'ipOnly' | 'expired' | 'selfSigned';
export type Mode = 'normal' | 'aspnetError' | 'noCredentialPrompt' | 'soapFault';

export interface LoopbackSdk {
  caFile: string;
  ports: Record<CertName, number>;
  refusedPort: number;
  silentPort: number;
  mode: Mode;
  /** Authorization headers received (to prove the account of the file was used). */
  authorizations: string[];
  close(): Promise<void>;
}

const openssl = (dir: string, args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

export function makeCertificates(dir: string): Record<CertName, { key: Buffer; cert: Buffer }> {
  openssl(dir, ['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=MfaWebTier Test CA', '-days', '2',
    '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const signed = (name: string, san: string, days: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\nbasicConstraints=CA:false\n`);
    openssl(dir, ['req', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
    openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', days,
      '-extfile', `${name}.ext`]);
  };
  signed('matching', 'DNS:localhost', '2');
  signed('otherName', 'DNS:other.example', '2');
  signed('ipOnly', 'IP:127.0.0.1', '2');
  // -days -1: valid until one day before it was issued, i.e. expired now (OpenSSL 3.0 has no -not_after).
  signed('expired', 'DNS:localhost', '-1');
  openssl(dir, ['req', '-x509', ...EC, '-keyout', 'selfSigned.key', '-out', 'selfSigned.pem', '-subj', '/CN=localhost', '-days', '2',
    '-addext', 'subjectAltName=DNS:localhost']);
  const read = (n: string) => ({ key: readFileSync(path.join(dir, `${n}.key`)), cert: readFileSync(path.join(dir, `${n}.pem`)) });
  return { matching: read('matching'), otherName: read('otherName'), ipOnly: read('ipOnly'), expired: read('expired'), selfSigned: read('selfSigned') };
}

const listen = (server: Server | TcpServer) =>
  new Promise<number>((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)));

export async function startLoopbackSdk(dir: string, account: { username: string; password: string }): Promise<LoopbackSdk> {
  const certs = makeCertificates(dir);
  const expected = 'Basic ' + Buffer.from(`${account.username}:${account.password}`).toString('base64');
  const state: LoopbackSdk = {
    caFile: path.join(dir, 'ca.pem'),
    ports: {} as Record<CertName, number>,
    refusedPort: 0,
    silentPort: 0,
    mode: 'normal',
    authorizations: [],
    close: async () => undefined,
  };
  const servers: (Server | TcpServer)[] = [];
  for (const name of Object.keys(certs) as CertName[]) {
    const server = createHttpsServer(certs[name], (req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (req.headers.authorization) state.authorizations.push(req.headers.authorization);
        if (state.mode === 'aspnetError') {
          res.writeHead(500, { 'Content-Type': 'text/html' });
          res.end("<html><head><title>Server Error in '/MultiFactorAuthWebServiceSdk' Application.</title></head><body>YSOD</body></html>");
          return;
        }
        if (/PfPaWs\.asmx$/i.test(req.url ?? '')) {
          const isCall = req.method === 'POST' && req.headers.soapaction === '"http://www.phonefactor.com/PfPaWs/TestPfWsSdkConnection"' &&
            /<TestPfWsSdkConnection xmlns="http:\/\/www\.phonefactor\.com\/PfPaWs"/.test(body);
          if (state.mode === 'soapFault' || !isCall) {
            res.writeHead(500, { 'Content-Type': 'text/xml' });
            res.end('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Server</faultcode>' +
              '<faultstring>Unable to connect to the Web Service SDK.</faultstring></soap:Fault></soap:Body></soap:Envelope>');
            return;
          }
          res.writeHead(200, { 'Content-Type': 'text/xml' });
          res.end('<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><TestPfWsSdkConnectionResponse ' +
            'xmlns="http://www.phonefactor.com/PfPaWs"><TestPfWsSdkConnectionResult>Success</TestPfWsSdkConnectionResult>' +
            '</TestPfWsSdkConnectionResponse></soap:Body></soap:Envelope>');
          return;
        }
        if (!/PfWsSdk\.asmx$/i.test(req.url ?? '')) {
          // Any other page is the user portal's: it answers without credentials (its own sign-in page).
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end('<html><head><title>Multi-Factor Authentication User Portal</title></head><body>Log In</body></html>');
          return;
        }
        if (state.mode !== 'noCredentialPrompt' && req.headers.authorization !== expected) {
          res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="mfa"', 'Content-Type': 'text/html' });
          res.end('<html><head><title>401 - Unauthorized: Access is denied due to invalid credentials.</title></head></html>');
          return;
        }
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html><head><title>PfWsSdk Web Service</title></head><body>The following operations are supported.</body></html>');
      });
    });
    servers.push(server);
    state.ports[name] = await listen(server);
  }
  const gone = createTcpServer();
  state.refusedPort = await listen(gone);
  await new Promise<void>((ok) => gone.close(() => ok()));
  const held: Socket[] = [];
  const silent = createTcpServer((socket) => held.push(socket)); // accepts, never answers
  servers.push(silent);
  state.silentPort = await listen(silent);
  state.close = async () => {
    held.forEach((s) => s.destroy());
    for (const s of servers) {
      (s as Server).closeAllConnections?.();
      await new Promise<void>((ok) => s.close(() => ok()));
    }
  };
  return state;
}
