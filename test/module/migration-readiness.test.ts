// Issue #27 item 3: Test-MfaMigrationReadiness through real pwsh and the test build of the module (its endpoints can
// be pointed at loopback servers only there). Every check has a passing and a failing lab case; the TLS checks run
// against two loopback servers started here: one offering TLS 1.2, one offering only TLS 1.0.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createServer, type Server } from 'node:tls';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { faultModulePath, modulePath, openModuleSession } from '../helpers/pwsh';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';
import { makeCertificates } from '../helpers/loopback-sdk';
import { openLab } from '../../core/host/lab/open-lab';
import { formatServiceLogLine } from '../../core/domain/service-log';
import { makeTempRoot, runOk } from '../e2e/helpers';

interface Row {
  ComputerName: string;
  Check: string;
  Result: string;
  Detail: string;
  Action: string | null;
  Basis: string;
}

const root = makeTempRoot('migration-readiness');
const DOTNET = 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
const PRODUCT_KEY = 'HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor';

let tls12: Server;
let tls10: Server;
let ports: { tls12: number; tls10: number };
let caFile: string;

async function listen(server: Server): Promise<number> {
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok((server.address() as AddressInfo).port)));
}

before(async () => {
  const certs = path.join(root, 'certs');
  mkdirSync(certs, { recursive: true });
  const { ipOnly } = makeCertificates(certs);
  caFile = path.join(certs, 'ca.pem');
  tls12 = createServer({ ...ipOnly, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' }, (s) => s.end());
  // Measured with node 20 and OpenSSL 3.0.19: a TLS 1.0-only server needs security level 0 for its ciphers (without it
  // every handshake ends in an internal-error alert); node's --tls-min-v1.0 is not needed once minVersion is given.
  tls10 = createServer({ ...ipOnly, minVersion: 'TLSv1', maxVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, (s) => s.end());
  ports = { tls12: await listen(tls12), tls10: await listen(tls10) };
});

after(async () => {
  tls12?.close();
  tls10?.close();
  rmSync(root, { recursive: true, force: true });
});

const byCheck = (rows: Row[], check: string): Row => {
  const r = rows.find((x) => x.Check === check);
  assert.ok(r, `no ${check} row: ${rows.map((x) => x.Check).join(', ')}`);
  return r;
};

describe('Test-MfaMigrationReadiness', () => {
  let ps: PowerShellSession;
  let upgraded: string;
  before(async () => {
    ps = await openModuleSession(root, process.env, faultModulePath);
    upgraded = path.join(root, 'upgraded');
    await runOk(ps, `New-MfaLab -Path $V.lab -Force | Out-Null
      Invoke-MfaServerUpgrade -LabPath $V.lab -InstallerPath 'C:\\Media\\MfaServer' -BackupDestination $V.backups -Goal Migrate -Confirm:$false | Out-Null`,
    { lab: upgraded, backups: path.join(root, 'backups') });
  });
  after(() => ps.close());

  /** A copy of the upgraded lab to change one thing in. */
  function variant(name: string): string {
    const lab = path.join(root, name);
    cpSync(upgraded, lab, { recursive: true });
    return lab;
  }

  async function check(lab: string, env: { signIn?: number | string; graph?: number | string } = {}): Promise<{ rows: Row[]; errors: string[] }> {
    const url = (p: number | string | undefined) => (typeof p === 'number' ? `https://127.0.0.1:${p}` : p ?? '');
    const r = await ps.run(`$env:MFA_TEST_SIGNIN_ENDPOINT = $V.signIn; $env:MFA_TEST_GRAPH_ENDPOINT = $V.graph; $env:MFA_TEST_ENDPOINT_CA = $V.ca
      try { Test-MfaMigrationReadiness -LabPath $V.lab -TimeoutSeconds 5 }
      finally { Remove-Item Env:MFA_TEST_SIGNIN_ENDPOINT, Env:MFA_TEST_GRAPH_ENDPOINT, Env:MFA_TEST_ENDPOINT_CA -ErrorAction SilentlyContinue }`,
    { lab, signIn: url(env.signIn ?? ports.tls12), graph: url(env.graph ?? ports.tls12), ca: caFile });
    assert.ok(r.ok, r.terminatingError?.message);
    return { rows: r.output as Row[], errors: r.errors.map((e) => `${e.fullyQualifiedErrorId}: ${e.message}`) };
  }

  test('one row per check, each with its Basis (a Learn page or "Inference")', async () => {
    const { rows } = await check(upgraded);
    assert.deepEqual(rows.map((r) => r.Check), ['MfaServerBuild', 'MigrationUtility', 'ReplicationRole', 'DotNetTls12', 'SignInEndpoint', 'GraphEndpoint',
      'MethodsThatDoNotMigrate']);
    for (const r of rows) {
      assert.equal(r.ComputerName, 'MFA01');
      assert.match(r.Basis, /learn\.microsoft\.com|Inference/, `${r.Check}: ${r.Basis}`);
      assert.equal(r.Action === null, r.Result === 'Passed', `${r.Check}: an Action exactly when not Passed`);
    }
    assert.match(byCheck(rows, 'ReplicationRole').Basis, /^Inference:/);
  });

  test('MfaServerBuild and MigrationUtility: Passed on the upgraded server; Failed on a PhoneFactor server and when the Utility is missing', async () => {
    const good = (await check(upgraded)).rows;
    assert.equal(byCheck(good, 'MfaServerBuild').Result, 'Passed');
    assert.match(byCheck(good, 'MfaServerBuild').Detail, /8\.1\.1\.1/);
    assert.equal(byCheck(good, 'MigrationUtility').Result, 'Passed');

    const phoneFactor = path.join(root, 'phonefactor');
    await runOk(ps, `New-MfaLab -Path $V.lab -Force | Out-Null`, { lab: phoneFactor });
    const old = (await check(phoneFactor)).rows;
    assert.equal(byCheck(old, 'MfaServerBuild').Result, 'Failed');
    assert.match(byCheck(old, 'MfaServerBuild').Action!, /Invoke-MfaServerUpgrade -Goal Migrate/);
    assert.equal(byCheck(old, 'MigrationUtility').Result, 'Failed');

    const noUi = variant('no-ui');
    rmSync(path.join(noUi, 'C', 'Program Files', 'PhoneFactor', 'MultiFactorAuthMigrationUtilityUI.exe'));
    const missing = byCheck((await check(noUi)).rows, 'MigrationUtility');
    assert.equal(missing.Result, 'Failed');
    assert.match(missing.Detail, /Not in C:\\Program Files\\PhoneFactor: MultiFactorAuthMigrationUtilityUI\.exe\./);
  });

  test('ReplicationRole: a Warning with the static replication port set (a group member), Passed without any sign of a group', async () => {
    const member = byCheck((await check(upgraded)).rows, 'ReplicationRole');
    assert.equal(member.Result, 'Warning');
    assert.match(member.Detail, /Pfsvc_ncan_ip_tcp_port = \d+/);
    const alone = variant('alone');
    const [server] = await openLab(alone);
    const tree = await server.loadRegistry();
    tree.deleteValue(server.regPath(PRODUCT_KEY, '32'), 'Pfsvc_ncan_ip_tcp_port');
    await server.saveRegistry(tree);
    const single = byCheck((await check(alone)).rows, 'ReplicationRole');
    assert.equal(single.Result, 'Passed', single.Detail);
    assert.match(single.Detail, /no sign of a replication group/);
  });

  test('DotNetTls12: Failed until both values are 1 in both registry views', async () => {
    const lab = variant('dotnet');
    const [server] = await openLab(lab);
    const before = byCheck((await check(lab)).rows, 'DotNetTls12');
    assert.equal(before.Result, 'Failed');
    assert.match(before.Detail, /SchUseStrongCrypto absent \(64-bit\)/);
    for (const view of ['64', '32'] as const) {
      await server.setRegistryValue(DOTNET, view, { name: 'SchUseStrongCrypto', type: 'REG_DWORD', data: 1 });
      await server.setRegistryValue(DOTNET, view, { name: 'SystemDefaultTlsVersions', type: 'REG_DWORD', data: view === '64' ? 1 : 0 });
    }
    const half = byCheck((await check(lab)).rows, 'DotNetTls12');
    assert.equal(half.Result, 'Failed', 'the 32-bit view still says 0');
    assert.match(half.Detail, /SystemDefaultTlsVersions = 0 \(REG_DWORD\) \(32-bit \(WOW6432Node\)\)/);
    await server.setRegistryValue(DOTNET, '32', { name: 'SystemDefaultTlsVersions', type: 'REG_DWORD', data: 1 });
    assert.equal(byCheck((await check(lab)).rows, 'DotNetTls12').Result, 'Passed');
  });

  test('SignInEndpoint / GraphEndpoint: TLS 1.2 passes, a TLS 1.0-only server fails (Tls12Refused), a closed port is Refused', async () => {
    const { rows } = await check(upgraded, { signIn: ports.tls12, graph: ports.tls10 });
    const signIn = byCheck(rows, 'SignInEndpoint');
    assert.equal(signIn.Result, 'Passed', signIn.Detail);
    assert.match(signIn.Detail, /negotiated TLSv1\.2/);
    const graph = byCheck(rows, 'GraphEndpoint');
    assert.equal(graph.Result, 'Failed');
    assert.match(graph.Detail, /^Tls12Refused: 127\.0\.0\.1:\d+ does not accept a TLS 1\.2 handshake/);
    const swapped = (await check(upgraded, { signIn: ports.tls10, graph: ports.tls12 })).rows;
    assert.equal(byCheck(swapped, 'SignInEndpoint').Result, 'Failed');
    assert.equal(byCheck(swapped, 'GraphEndpoint').Result, 'Passed');
    // A port nothing listens on any more.
    const probe = createNetServer();
    const closed = await new Promise<number>((ok) => probe.listen(0, '127.0.0.1', () => ok((probe.address() as AddressInfo).port)));
    await new Promise((ok) => probe.close(ok));
    const refused = (await check(upgraded, { graph: closed })).rows;
    assert.match(byCheck(refused, 'GraphEndpoint').Detail, /^Refused:/);
  });

  test('the endpoint setting is honoured only for loopback, and only by the test build', async () => {
    const { errors } = await check(upgraded, { signIn: 'https://login.example.com' });
    assert.match(errors[0] ?? '', /^EndpointAddressRefused,Test-MfaMigrationReadiness: MFA_TEST_SIGNIN_ENDPOINT 'https:\/\/login\.example\.com' is not an https loopback/);
    const shipped = readFileSync(path.join(modulePath, 'lib', 'core.cjs'), 'utf8');
    assert.ok(!shipped.includes('MFA_TEST_SIGNIN_ENDPOINT') && !shipped.includes('MFA_TEST_ENDPOINT_CA'), 'the shipped core has no endpoint setting');
    assert.ok(readFileSync(path.join(faultModulePath, 'lib', 'core.cjs'), 'utf8').includes('MFA_TEST_SIGNIN_ENDPOINT'));
  });

  test('MethodsThatDoNotMigrate: PIN-mode and security-question users are named; a log without them passes', async () => {
    const pin = byCheck((await check(upgraded)).rows, 'MethodsThatDoNotMigrate');
    assert.equal(pin.Result, 'Warning');
    assert.match(pin.Detail, /PIN mode \(SUCCESS_WITH_PIN\)/);
    assert.match(pin.Detail, /SecurityQuestions/);

    const lab = variant('no-pin');
    const logs = path.join(lab, 'C', 'Program Files', 'PhoneFactor', 'Logs');
    rmSync(logs, { recursive: true, force: true });
    mkdirSync(logs);
    const line = (user: string, constant: string, description: string) => formatServiceLogLine({ timestamp: '2025-05-02T08:00:00.000000Z', level: 'i',
      pid: 10, tid: 11, component: 'pfsvc', message: `Pfauth succeeded for user '${user}'. Call status: ${constant} - "${description}".` });
    writeFileSync(path.join(logs, 'MultiFactorAuthSvc.log'), [
      line('alice@contoso.com', 'SUCCESS_NO_PIN', 'Only # Entered'),
      line('bob@contoso.com', 'SUCCESS_PHONE_APP_AUTHENTICATED', 'Mobile App Authenticated'),
    ].join('\r\n') + '\r\n');
    const clean = byCheck((await check(lab)).rows, 'MethodsThatDoNotMigrate');
    assert.equal(clean.Result, 'Passed', clean.Detail);
    assert.match(clean.Detail, /No user of the logs \(2 user\(s\) in 1 log file\(s\)\)/);
  });
});
