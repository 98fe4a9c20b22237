// The tenant cmdlets through the real generated cmdlets in pwsh, against a loopback mock Graph the test starts
// (test/helpers/mock-graph.ts, mock-tenant.ts: shapes from Microsoft's Graph v1.0 reference). Both ways to read:
// -AccessToken (the test build's MFA_TEST_GRAPH_BASE_URL points the core at the mock) and the caller's connected Graph
// session, brokered through stand-ins for Get-MgContext and Invoke-MgGraphRequest (Microsoft's parameter names) that
// forward to the mock and say which Graph host they were given. Every request the mock saw is asserted to be a GET.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { faultModulePath, openModuleSession } from '../helpers/pwsh';
import { startMockGraph, type MockGraph } from '../helpers/mock-graph';
import { IDS, PHONE_NUMBERS, tenantRoutes, type TenantOptions } from '../helpers/mock-tenant';
import type { PowerShellSession } from '../../core/host/remote/powershell-session';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJtb2R1bGUtdGVzdCJ9.never-shown-Sig';
const SESSION_TOKEN = 'session-token-held-by-Microsoft.Graph.Authentication-never-shown';

let ps: PowerShellSession;
let mock: MockGraph;
let dir: string;

const useTenant = (options: Partial<TenantOptions> = {}) => {
  mock.routes = tenantRoutes({ consent: false, sameGroup: true, throttle: null, ...options });
  mock.requests.length = 0;
};

// The stand-ins a test session defines, as the Microsoft.Graph.Authentication module would provide them: Get-MgContext
// (Environment, Scopes, Account, AuthType) and Invoke-MgGraphRequest (-Method, -Uri, -Headers, -OutputType,
// -SkipHttpErrorCheck, -StatusCodeVariable, -ResponseHeadersVariable). The request goes to the mock with the method it
// was given (so a verb other than GET would be seen there), the session's own token, and the Graph host it was meant for.
const STAND_INS = String.raw`
function global:Get-MgContext {
    if (-not $global:MgTestConnected) { return $null }
    [pscustomobject]@{ Environment = $global:MgTestEnvironment; Scopes = $global:MgTestScopes; Account = 'admin@contoso.com'; AuthType = 'Delegated'; TenantId = '11111111-2222-3333-4444-555555555555' }
}
function global:Invoke-MgGraphRequest {
    [CmdletBinding()]
    param([string] $Method = 'GET', [Parameter(Mandatory = $true)] [uri] $Uri, $Body, [System.Collections.IDictionary] $Headers, [string] $OutputType,
        [switch] $SkipHttpErrorCheck, [string] $StatusCodeVariable, [string] $ResponseHeadersVariable)
    $global:MgTestCalls.Add([pscustomobject]@{ Method = $Method; Uri = $Uri.AbsoluteUri; OutputType = $OutputType })
    $sent = @{ 'X-Original-Base' = $Uri.GetLeftPart([System.UriPartial]::Authority); Authorization = 'Bearer ' + $global:MgTestSessionToken }
    if ($null -ne $Headers) { foreach ($k in $Headers.Keys) { $sent[$k] = $Headers[$k] } }
    $r = Invoke-WebRequest -Method $Method -Uri ($global:MgTestMock + $Uri.PathAndQuery) -Headers $sent -SkipHttpErrorCheck -UseBasicParsing
    if ($StatusCodeVariable) { $PSCmdlet.SessionState.PSVariable.Set($StatusCodeVariable, [int]$r.StatusCode) }
    if ($ResponseHeadersVariable) { $PSCmdlet.SessionState.PSVariable.Set($ResponseHeadersVariable, $r.Headers) }
    if ((-not $SkipHttpErrorCheck) -and ($r.StatusCode -ge 400)) { throw "Response status code does not indicate success: $($r.StatusCode)" }
    $r.Content
}
$global:MgTestCalls = New-Object System.Collections.Generic.List[object]
`;

before(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mfa-tenant-module-'));
  mock = await startMockGraph(() => undefined);
  useTenant();
  ps = await openModuleSession(dir, process.env, faultModulePath);
  const r = await ps.run(`${STAND_INS}
    $global:MgTestMock = $V.mock; $global:MgTestSessionToken = $V.session; $global:MgTestConnected = $false; $global:MgTestEnvironment = 'Global'
    $global:MgTestScopes = @('Policy.Read.AuthenticationMethod', 'Application.Read.All', 'Policy.Read.HybridAuthentication', 'GroupMember.Read.All', 'Domain.Read.All',
        'AuditLog.Read.All')
    $env:MFA_TEST_GRAPH_NO_WAIT = '1'`, { mock: mock.url, session: SESSION_TOKEN });
  assert.ok(r.ok, r.terminatingError?.message);
});
after(async () => {
  await ps?.close();
  await mock?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Row { Check: string; Subject: string; Result: string; Detail: string; Action: string | null; Basis: string }

/** Runs a command with -AccessToken pointed at the mock (test build), with -Verbose -Debug so every stream is captured. */
async function withToken(command: string, values: Record<string, unknown> = {}) {
  return ps.run(`
    $env:MFA_TEST_GRAPH_BASE_URL = $V.mock
    try { $t = ConvertTo-SecureString -String $V.token -AsPlainText -Force; ${command} -AccessToken $t -Verbose -Debug }
    finally { Remove-Item Env:MFA_TEST_GRAPH_BASE_URL }`, { mock: mock.url, token: TOKEN, ...values });
}

async function brokered(command: string, values: Record<string, unknown> = {}, environment = 'Global') {
  return ps.run(`
    $global:MgTestConnected = $true; $global:MgTestEnvironment = $V.environment; $global:MgTestCalls.Clear()
    try { ${command} -Verbose -Debug } finally { $global:MgTestConnected = $false }`, { environment, ...values });
}

const onlyGets = () => assert.deepEqual([...new Set(mock.requests.map((r) => r.method))], ['GET'], 'the mock saw nothing but GET');
const find = (rows: Row[], check: string, subject: RegExp) => rows.filter((r) => r.Check === check && subject.test(r.Subject));

test('Test-MfaTenantReadiness -AccessToken: a method disabled, consent missing, dynamic, nested and same-group rollout groups, federated domains', async () => {
  useTenant();
  const r = await withToken("Test-MfaTenantReadiness -MigrationGroup 'MFA Migration'");
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  const rows = r.output as Row[];
  assert.ok(rows.every((x) => ['Passed', 'Warning', 'Failed'].includes(x.Result) && x.Basis.length > 0), JSON.stringify(rows));
  assert.equal(find(rows, 'GraphAccess', /.*/)[0].Result, 'Passed');
  const voice = find(rows, 'AuthenticationMethod', /^Voice$/)[0];
  assert.equal(voice.Result, 'Failed');
  assert.match(voice.Detail, /Voice is disabled in the Authentication methods policy/);
  assert.match(voice.Basis, /MFA Server migration" \(https:\/\/learn\.microsoft\.com\/entra\/identity\/authentication\/how-to-mfa-server-migration-utility\)/);
  assert.equal(find(rows, 'AuthenticationMethod', /^Sms$/)[0].Result, 'Passed');
  assert.equal(find(rows, 'AuthenticationMethod', /^HardwareOath$/)[0].Result, 'Warning', 'enabled for one group only');
  assert.equal(find(rows, 'MigrationApp', /MFA Server Migration Utility/)[0].Result, 'Passed');
  const consent = find(rows, 'MigrationAppConsent', /MFA Server Migration Utility/)[0];
  assert.equal(consent.Result, 'Failed');
  assert.match(consent.Detail, /No application permission of the app has admin consent/);
  assert.match(consent.Basis, /Inference/);
  const policy = find(rows, 'StagedRolloutPolicy', /MFA rollout policy/)[0];
  assert.equal(policy.Result, 'Passed', JSON.stringify(policy));
  const group = (id: string) => rows.find((x) => x.Check === 'StagedRolloutGroup' && x.Subject.includes(id))!;
  assert.equal(group(IDS.rolloutOk).Result, 'Passed');
  assert.match(group(IDS.rolloutOk).Detail, /2 user\(s\)/, 'both pages of members were read');
  assert.equal(group(IDS.rolloutDynamic).Result, 'Failed');
  assert.match(group(IDS.rolloutDynamic).Detail, /dynamic membership \(user\.department -eq "Sales"\)/);
  assert.equal(group(IDS.rolloutNested).Result, 'Failed');
  assert.match(group(IDS.rolloutNested).Detail, /1 nested group\(s\) \(Nested Team\)/);
  assert.equal(group(IDS.migrationGroup).Result, 'Failed');
  assert.match(group(IDS.migrationGroup).Detail, /also the Migration Utility's group/);
  const contoso = find(rows, 'FederatedDomain', /^contoso\.com$/)[0];
  assert.equal(contoso.Result, 'Warning');
  assert.match(contoso.Detail, /enforceMfaByFederatedIdp: Entra sends MFA to the federation server/);
  assert.match(find(rows, 'FederatedDomain', /^fabrikam\.com$/)[0].Detail, /never set: Entra still honours the legacy SupportsMfa/);
  assert.ok(!rows.some((x) => x.Subject.includes('onmicrosoft')), 'managed domains have no row');

  onlyGets();
  assert.ok(mock.requests.every((q) => q.authorization === `Bearer ${TOKEN}` && q.originalBase === null));
  assert.ok(mock.requests.some((q) => q.path.includes('$skiptoken=p2')), 'the next page was read');
  assert.ok(r.verbose.some((v) => /GET \/v1\.0\/policies\/authenticationMethodsPolicy/.test(v)), r.verbose.join('\n'));
  assert.ok(!JSON.stringify(r).includes(TOKEN), 'the token is in no stream');
});

test('brokered through the connected Graph session, in a national cloud: requests go to graph.microsoft.us, no token reaches the core', async () => {
  useTenant({ consent: true, sameGroup: false });
  const fakes = nodeTee();
  await ps.run('$global:SavedNode = $env:MFA_NODE; $env:MFA_NODE = $V.node', { node: fakes.node });
  const r = await brokered(`Test-MfaTenantReadiness -MigrationGroup '${IDS.migrationGroup}'`, {}, 'USGov').finally(() => ps.run('$env:MFA_NODE = $global:SavedNode'));
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  const rows = r.output as Row[];
  assert.match(find(rows, 'GraphAccess', /.*/)[0].Subject, /^USGov \(https:\/\/graph\.microsoft\.us\)$/);
  assert.equal(find(rows, 'MigrationAppConsent', /.*/)[0].Result, 'Passed');
  assert.match(find(rows, 'MigrationAppConsent', /.*/)[0].Detail, /UserAuthenticationMethod\.ReadWrite\.All/);
  assert.ok(!rows.some((x) => x.Subject.includes(IDS.migrationGroup)), 'the migration group is no rollout group here');
  onlyGets();
  assert.ok(mock.requests.length > 10);
  assert.ok(mock.requests.every((q) => q.originalBase === 'https://graph.microsoft.us' && q.authorization === `Bearer ${SESSION_TOKEN}`),
    JSON.stringify(mock.requests.map((q) => q.originalBase)));
  assert.ok(mock.requests.some((q) => q.path.includes('$skiptoken=p2')), 'the next page on graph.microsoft.us was followed');
  const calls = await ps.run('$global:MgTestCalls | ForEach-Object { $_.Method + " " + $_.OutputType }');
  assert.deepEqual([...new Set(calls.output)], ['GET Json'], 'Invoke-MgGraphRequest was only ever asked for GET, as JSON');
  const coreSaw = readFileSync(fakes.stdin, 'utf8');
  assert.ok(coreSaw.split('\n').some((l) => /"graphId":1[,}]/.test(l) && l.includes('"connected":true')), 'the core asked for the context');
  assert.ok(!coreSaw.includes(SESSION_TOKEN) && !JSON.stringify(r).includes(SESSION_TOKEN), 'the session\'s token never reaches the core or a stream');
});

test('Get-MfaMigrationStatus: who the Utility migrated (decoded methods, when), who is in Staged Rollout; a 429 with Retry-After is waited out', async () => {
  useTenant({ sameGroup: false, throttle: '2' });
  const r = await brokered("Get-MfaMigrationStatus -MigrationGroup 'MFA Migration'");
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  const rows = r.output as Record<string, unknown>[];
  const by = (upn: string) => rows.find((x) => x.UserPrincipalName === upn)!;
  assert.deepEqual(rows.map((x) => x.UserPrincipalName).sort(), ['alice@contoso.com', 'bob@contoso.com', 'carol@contoso.com'], 'nested members included');
  assert.deepEqual([by('alice@contoso.com').Status, by('alice@contoso.com').MethodsWritten, by('alice@contoso.com').DefaultMethod,
    by('alice@contoso.com').StagedRolloutGroups], ['InRollout', 'VoiceMobile; AuthenticatorPush', 'AuthenticatorPush', 'MFA Rollout 1']);
  assert.deepEqual([by('bob@contoso.com').Status, by('bob@contoso.com').MethodCodes, by('bob@contoso.com').DeviceEntries, by('bob@contoso.com').LastWritten],
    ['ReadyForRollout', '5; 7', 1, '2024-05-03T09:05:00Z']);
  assert.deepEqual([by('carol@contoso.com').Status, by('carol@contoso.com').Migrated, by('carol@contoso.com').FailedEntries], ['NotMigrated', false, 1],
    'a failed write and another app\'s entry do not count');
  assert.ok(r.verbose.some((v) => /answered 429 \(throttled\) for \/v1\.0\/auditLogs\/directoryAudits; waiting 2 s \(Retry-After: 2\), retry 1 of 4/.test(v)),
    r.verbose.join('\n'));
  assert.equal(mock.requests.filter((q) => q.path.startsWith('/v1.0/auditLogs/directoryAudits?')).length, 3, '429, then the two pages');
  assert.match(mock.requests.find((q) => q.path.startsWith('/v1.0/auditLogs'))!.path, /\$filter=initiatedBy\/app\/displayName eq 'Azure MFA Management'/);
  onlyGets();
  for (const phone of PHONE_NUMBERS) assert.ok(!JSON.stringify(r).includes(phone), 'phone numbers from the audit entries are never shown');
  // CSV-ready: every property is a plain value, so Export-Csv keeps every column.
  const csv = await brokered("Get-MfaMigrationStatus -MigrationGroup 'MFA Migration' | ConvertTo-Csv -NoTypeInformation");
  const lines = csv.output as string[];
  assert.equal(lines.length, 4);
  assert.match(lines[0], /^"UserPrincipalName","DisplayName","UserId","Status","Migrated","MethodsWritten","MethodCodes",/);
  assert.ok(!lines.join('\n').includes('System.Object[]'));
});

test('Export-MfaTenantState: a dated snapshot in a folder closed to its owner, its SHA-256 beside it, read with -AccessToken', async () => {
  useTenant();
  const out = path.join(dir, 'state');
  const r = await withToken('Export-MfaTenantState -Path $V.out', { out });
  assert.ok(r.ok && r.errors.length === 0, JSON.stringify(r.terminatingError ?? r.errors));
  const result = r.output[0] as { Path: string; Folder: string; Sha256: string; FederatedDomains: number; RolloutGroups: number };
  assert.match(path.basename(result.Folder), /^MfaTenantState-\d{8}-\d{6}$/);
  assert.equal(statSync(result.Folder).mode & 0o777, 0o700);
  const bytes = readFileSync(result.Path);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), result.Sha256);
  assert.equal(readFileSync(`${result.Path}.sha256`, 'utf8'), `${result.Sha256}  tenant-state.json\n`);
  const state = JSON.parse(bytes.toString('utf8')) as {
    kind: string; federatedDomains: { id: string; federationConfiguration: { federatedIdpMfaBehavior: string | null }[] }[];
    stagedRollout: { policy: { feature: string; isEnabled: boolean }; groups: { id: string; dynamic: boolean; members: { id: string; type: string }[] }[] }[];
  };
  assert.equal(state.kind, 'MfaServerUpgrade.TenantState');
  assert.deepEqual(state.federatedDomains.map((d) => [d.id, d.federationConfiguration[0].federatedIdpMfaBehavior]),
    [['contoso.com', 'enforceMfaByFederatedIdp'], ['fabrikam.com', null]]);
  assert.equal(state.stagedRollout.length, 1);
  assert.equal(state.stagedRollout[0].policy.feature, 'multiFactorAuthentication');
  assert.deepEqual(state.stagedRollout[0].groups.map((g) => [g.id, g.members.length]),
    [[IDS.rolloutOk, 2], [IDS.rolloutDynamic, 1], [IDS.rolloutNested, 2], [IDS.migrationGroup, 3]]);
  assert.deepEqual([result.FederatedDomains, result.RolloutGroups], [2, 4]);
  onlyGets();
  assert.ok(!JSON.stringify(r).includes(TOKEN));
  assert.deepEqual(filesHolding(dir, TOKEN), [], 'the token is in no file');
  // -WhatIf reads but writes nothing.
  const before = readdirSync(out).length;
  const w = await withToken('Export-MfaTenantState -Path $V.out -WhatIf', { out });
  assert.ok(w.ok, JSON.stringify(w.terminatingError));
  assert.equal(readdirSync(out).length, before);
});

test('-AccessToken reaches the core only in the request on stdin: not its command line, not its environment; a 401 echoing it is masked', async () => {
  useTenant();
  const fakes = nodeTee();
  mock.routes = (p, q) => ({ status: 401, body: { error: { code: 'InvalidAuthenticationToken', message: `Access token has expired: ${q.authorization ?? ''}` } } });
  const run = await ps.run(`
    $env:MFA_TEST_GRAPH_BASE_URL = $V.mock; $saved = $env:MFA_NODE; $env:MFA_NODE = $V.node
    try { Test-MfaTenantReadiness -AccessToken (ConvertTo-SecureString -String $V.token -AsPlainText -Force) -Verbose -Debug }
    finally { $env:MFA_NODE = $saved; Remove-Item Env:MFA_TEST_GRAPH_BASE_URL }`, { mock: mock.url, token: TOKEN, node: fakes.node });
  const err = run.terminatingError ?? run.errors[0];
  assert.match(err?.fullyQualifiedErrorId ?? '', /^GraphUnauthorized,Test-MfaTenantReadiness$/, JSON.stringify(run));
  assert.match(err.message, /Access token has expired: Bearer \*{8}/);
  assert.ok(!JSON.stringify(run).includes(TOKEN), 'nowhere in any stream or error');
  assert.ok(readFileSync(fakes.stdin, 'utf8').includes(TOKEN), 'the request on stdin carries it');
  const launched = JSON.parse(readFileSync(fakes.launch, 'utf8')) as { argv: string[]; env: Record<string, string> };
  assert.ok(!JSON.stringify(launched.argv).includes(TOKEN) && !JSON.stringify(launched.env).includes(TOKEN), 'not in argv or the environment');
  assert.deepEqual(filesHolding(dir, TOKEN).filter((f) => f !== fakes.stdin), []);
});

test('without a Graph session or -AccessToken, with another -Cloud than the session\'s, or an ambiguous group: named errors, nothing read', async () => {
  useTenant();
  let r = await ps.run('Test-MfaTenantReadiness');
  assert.match((r.terminatingError ?? r.errors[0])?.fullyQualifiedErrorId ?? '', /^GraphNotConnected,Test-MfaTenantReadiness$/, JSON.stringify(r));
  assert.match((r.terminatingError ?? r.errors[0]).message, /Get-MgContext returned nothing: run Connect-MgGraph/);
  r = await brokered('Test-MfaTenantReadiness -Cloud China', {}, 'Global');
  assert.match((r.terminatingError ?? r.errors[0])?.fullyQualifiedErrorId ?? '', /^GraphCloudMismatch,/, JSON.stringify(r));
  assert.equal(mock.requests.length, 0);
  r = await brokered("Get-MfaMigrationStatus -MigrationGroup 'Twice'");
  const err = r.terminatingError ?? r.errors[0];
  assert.match(err?.fullyQualifiedErrorId ?? '', /^TenantGroupAmbiguous,/);
  assert.match(err.message, new RegExp(`2 groups are named 'Twice' \\(${IDS.rolloutOk}, ${IDS.rolloutNested}\\)`));
  onlyGets();
});

/** A node wrapper (MFA_NODE) that records the core's command line and environment, and everything it reads on stdin. */
function nodeTee(): { node: string; stdin: string; launch: string } {
  const d = mkdtempSync(path.join(dir, 'tee-'));
  const stdin = path.join(d, 'core-stdin.log');
  const launch = path.join(d, 'launch.json');
  const tee = path.join(d, 'tee.cjs');
  writeFileSync(tee, `
const { spawn } = require('node:child_process');
const { appendFileSync, writeFileSync } = require('node:fs');
writeFileSync(${JSON.stringify(launch)}, JSON.stringify({ argv: process.argv.slice(2), env: process.env }));
const core = spawn(process.execPath, process.argv.slice(2), { stdio: ['pipe', 'inherit', 'inherit'] });
process.stdin.on('data', (d) => { appendFileSync(${JSON.stringify(stdin)}, d); core.stdin.write(d); });
process.stdin.on('end', () => core.stdin.end());
core.stdin.on('error', () => {});
core.on('exit', (code) => process.exit(code ?? 1));
`);
  const node = path.join(d, 'node');
  writeFileSync(node, `#!/bin/sh\nexec '${process.execPath}' '${tee}' "$@"\n`);
  chmodSync(node, 0o755);
  return { node, stdin, launch };
}

function filesHolding(root: string, text: string): string[] {
  const hits: string[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) hits.push(...filesHolding(p, text));
    else if (e.isFile() && readFileSync(p).includes(text)) hits.push(p);
  }
  return hits;
}
