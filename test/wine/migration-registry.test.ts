// Issue #27 item 3: the registry checks of Test-MfaMigrationReadiness against real Windows programs. A fresh Wine
// machine (Windows 10); values are set with Wine's reg.exe (/reg:64 and /reg:32), and the checks read them through the
// real WindowsHost (mfa-core --serve-host in the machine, reg.exe again): the .NET TLS 1.2 values in both registry
// views, and the static replication port under the product key (32-bit view). Never skipped: without Wine it fails.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Host } from '../../core/host/host';
import type { ServerInventory } from '../../core/domain/inventory-types';
import { WineMachine } from '../helpers/wine/machine';
import { ServeHostChannel } from '../helpers/wine/serve-host-channel';
import { dotNetTlsCheck } from '../../core/migration/tls-registry';
import { roleCheck } from '../../core/migration/server-checks';

const DOTNET = 'HKLM\\SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319';
const PRODUCT_KEY = 'HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor';
const NO_INVENTORY: ServerInventory = { ComputerName: 'WINE', DnsName: '', Is64Bit: true, Components: [], Warnings: [] };

let machine: WineMachine;
let channel: ServeHostChannel;
let host: Host;

before(async () => {
  machine = WineMachine.create('migration-registry');
  channel = new ServeHostChannel(machine);
  host = await channel.host();
  console.log(`# Wine machine set up in: ${JSON.stringify(machine.timings)}`);
});

after(async () => {
  await channel?.close();
  machine?.dispose();
});

function reg(args: string[]): void {
  const r = machine.wine(['reg', ...args], 120_000);
  assert.equal(r.status, 0, `reg ${args.join(' ')}: ${r.stdout}${r.stderr}`);
}

test('DotNetTls12 reads what reg.exe wrote in each view: Failed with the 32-bit view missing, Passed with all four values 1', { timeout: 600_000 }, async () => {
  for (const value of ['SchUseStrongCrypto', 'SystemDefaultTlsVersions']) reg(['add', DOTNET, '/v', value, '/t', 'REG_DWORD', '/d', '1', '/f', '/reg:64']);
  reg(['add', DOTNET, '/v', 'SchUseStrongCrypto', '/t', 'REG_DWORD', '/d', '1', '/f', '/reg:32']);
  reg(['add', DOTNET, '/v', 'SystemDefaultTlsVersions', '/t', 'REG_DWORD', '/d', '0', '/f', '/reg:32']);
  const half = await dotNetTlsCheck(host);
  assert.equal(half.Result, 'Failed', half.Detail);
  assert.match(half.Detail, /SystemDefaultTlsVersions = 0 \(REG_DWORD\) \(32-bit \(WOW6432Node\)\)/);
  assert.doesNotMatch(half.Detail, /\(64-bit\)/, 'the 64-bit view holds both values');
  reg(['add', DOTNET, '/v', 'SystemDefaultTlsVersions', '/t', 'REG_DWORD', '/d', '1', '/f', '/reg:32']);
  const full = await dotNetTlsCheck(host);
  assert.equal(full.Result, 'Passed', full.Detail);
});

test('ReplicationRole: Passed without the static replication port, a Warning once reg.exe sets it in the 32-bit view', { timeout: 600_000 }, async () => {
  assert.equal((await roleCheck(host, NO_INVENTORY)).Result, 'Passed');
  reg(['add', PRODUCT_KEY, '/v', 'Pfsvc_ncan_ip_tcp_port', '/t', 'REG_DWORD', '/d', '4443', '/f', '/reg:32']);
  const member = await roleCheck(host, NO_INVENTORY);
  assert.equal(member.Result, 'Warning', member.Detail);
  assert.match(member.Detail, /Pfsvc_ncan_ip_tcp_port = 4443/);
});
