// Issue #25 item 5: the way back with the real Windows Installer. One fresh Wine machine (Windows 10): the PhoneFactor
// Agent stand-in is installed with Wine's msiexec, upgraded to the MFA Server stand-in (a setup program carrying its
// MSI, as the real bootstrapper does: scripts/fixtures/mfa-server-standin/) and undone, all by the product's own
// upgrade and Undo engines (runUpgrade, runUndo: what Invoke-MfaServerUpgrade and Undo-MfaServerUpgrade run) against
// the real WindowsHost in the machine: reg.exe, msiexec.exe and the setup program run for real there.
//
// The engines run in this (Linux) process and reach the machine through the Host port (ServeHostChannel: the product's
// RemoteHost over `mfa-core --serve-host` under Wine), as a -ComputerName run reaches a server: the backups and the
// run folder are on the caller's side. Not through pwsh and the cmdlets, because Wine 8's sc.exe cannot list services
// (`sc query type= service state= all` prints its usage and exits 1; `sc qc` does not exist), which the readiness
// checks, the activation step and the Undo's restore, service start and verification all need: those two calls are
// answered from the machine's registry and the real `sc query <name>` (WineServicesHost below), everything else is the
// real adapter. The first test records what Wine lacks, so a Wine that learns it shows up here.
//
// Never skipped: without Wine the suite fails (CI installs wine through .ci/run).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { RegistryKey, ServiceInfo } from '../../core/host/host';
import { listInstalledProducts, type InstalledProduct } from '../../core/host/installed-products';
import { installPropertiesKey, packedGuid } from '../../core/host/installer-registration';
import { RemoteHost } from '../../core/host/remote/remote-host';
import type { FarIdentity } from '../../core/host/remote/host-rpc';
import { MANIFEST_FILE_NAME, type BackupManifest } from '../../core/backup/manifest';
import { ROLLBACK_MEDIA_RECORD, type RollbackMediaRecord } from '../../core/backup/rollback-media-items';
import { isMfaDataService } from '../../core/survey/mfa-services';
import { parseScQueryState, startTypeFromNumber } from '../../core/host/windows/sc-output';
import { MFA_SERVICE } from '../../core/domain/catalog';
import { runUndo, runUpgrade } from '../../core/upgrade';
import type { OperationContext } from '../../core/util/operation-context';
import { CoreError } from '../../core/util/errors';
import { repoRoot } from '../helpers/pwsh';
import { WineMachine } from '../helpers/wine/machine';
import { ServeHostChannel } from '../helpers/wine/serve-host-channel';

const AGENT = { file: 'PhoneFactorAgentServiceStandIn.msi', productCode: '{5F1A7C3E-2B9D-4E61-8A0C-7D3E9B1F6A24}', displayName: 'PhoneFactor Agent', version: '5.0.1.30' };
const MFA_SERVER = { productCode: '{7C4E2A19-3B5D-4F86-9E21-6A8D0C3F5B47}', displayName: 'Multi-Factor Authentication Server', version: '8.1.1.1' };
// Not the default folder, with spaces and parentheses: the Undo must put the Agent back here from the recorded property.
const AGENT_DIR = 'C:\\Program Files (x86)\\Phone Factor (stand-in)\\';
const AGENT_MEDIA = 'C:\\Media\\PhoneFactor';
const SERVER_MEDIA = 'C:\\Media\\MfaServer';
const PRODUCT_KEY = 'HKLM\\SOFTWARE\\Positive Networks\\PhoneFactor';
// What the users' data stands for: written over the installed data file, so only the backup can bring it back.
const USER_DATA = Buffer.from('STAND-IN PFDATA with users: alice +1 555 0100 (phone call), bob +1 555 0101 (app)\r\n');

/**
 * The services the engines ask about, as this machine has them. Wine's sc.exe cannot list services nor show their
 * configuration (no `sc query type= service state= all`, no `sc qc`), so a service is read here the way sc.exe would
 * tell it: its key under Services (DisplayName, Start) through the real reg.exe, its state from the real
 * `sc query <name>`, read with the adapter's own parser. The listing holds the services the tool knows by name
 * (MultiFactorAuth, PFSVC); starting and stopping go to the real adapter (sc.exe start/stop/query work under Wine).
 */
class WineServicesHost extends RemoteHost<ServeHostChannel> {
  override async getService(name: string): Promise<ServiceInfo | undefined> {
    const key = await this.getRegistryKey(`HKLM\\SYSTEM\\CurrentControlSet\\Services\\${name}`, '64');
    if (!key) return undefined;
    const value = (n: string) => key.values.find((v) => v.name.toLowerCase() === n.toLowerCase())?.data;
    const query = machine.wine(['sc', 'query', name], 60_000);
    if (query.status !== 0) throw new Error(`sc query ${name} exited with ${query.status}: ${query.stdout}${query.stderr}`);
    return {
      name,
      displayName: String(value('DisplayName') ?? name),
      state: parseScQueryState(query.stdout, name),
      startType: startTypeFromNumber(Number(value('Start'))) ?? 'Manual',
    };
  }

  override async listServices(): Promise<ServiceInfo[]> {
    const found = await Promise.all([MFA_SERVICE, 'PFSVC'].map((name) => this.getService(name)));
    return found.filter((s): s is ServiceInfo => s !== undefined);
  }
}

let machine: WineMachine;
let channel: ServeHostChannel;
let host: WineServicesHost;
let backups: string;
const logLines: string[] = [];
const ctx: OperationContext = {
  dryRun: false,
  toolVersion: '0.0.0-wine',
  progress: () => undefined,
  log: (level, message) => void logLines.push(`${level}: ${message}`),
  act: async (_action, run) => run(),
};

/** Everything the Undo must bring back, taken before the upgrade. */
interface MachineState {
  products: Array<Pick<InstalledProduct, 'displayName' | 'displayVersion' | 'productCode' | 'view'>>;
  productKey: RegistryKey['values'];
  files: Record<string, string>;
  services: ServiceInfo[];
}
let before_: MachineState;

async function phoneFactorProducts(): Promise<MachineState['products']> {
  return (await listInstalledProducts(host))
    .filter((p) => /phonefactor|multi-factor/i.test(p.displayName))
    .map((p) => ({ displayName: p.displayName, displayVersion: p.displayVersion, productCode: p.productCode, view: p.view }));
}

/** SHA-256 of every file under a folder of the machine, by path relative to it. */
function filesUnder(windowsFolder: string): Record<string, string> {
  const root = machine.linuxPath(windowsFolder);
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(root, full)] = createHash('sha256').update(readFileSync(full)).digest('hex');
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

async function machineState(): Promise<MachineState> {
  const key = await host.getRegistryKey(PRODUCT_KEY, '32');
  return {
    products: await phoneFactorProducts(),
    productKey: [...(key?.values ?? [])].sort((a, b) => a.name.localeCompare(b.name)),
    files: filesUnder(AGENT_DIR),
    services: await host.listServices(),
  };
}

async function localPackageOf(productCode: string): Promise<string | undefined> {
  const key = await host.getRegistryKey(installPropertiesKey(packedGuid(productCode)!), '64');
  const value = key?.values.find((v) => v.name === 'LocalPackage')?.data;
  return typeof value === 'string' ? value : undefined;
}

before(async () => {
  machine = WineMachine.create('rollback');
  mkdirSync(machine.linuxPath(AGENT_MEDIA), { recursive: true });
  mkdirSync(machine.linuxPath(SERVER_MEDIA), { recursive: true });
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'wine', AGENT.file), machine.linuxPath(`${AGENT_MEDIA}\\${AGENT.file}`));
  // The setup program under the name the upgrade looks for in the media folder (MFA_SERVER_SETUP_FILE).
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'wine', 'MfaServerSetupStandIn.exe'), machine.linuxPath(`${SERVER_MEDIA}\\MultiFactorAuthenticationServerSetup.exe`));
  channel = new ServeHostChannel(machine);
  const [identity] = (await channel.call({ target: {}, method: 'describe', args: [] })) as FarIdentity[];
  host = new WineServicesHost(channel, {}, identity);
  backups = mkdtempSync(path.join(os.tmpdir(), 'mfa-wine-rollback-backups-'));
  console.log(`# Wine machine set up in: ${JSON.stringify(machine.timings)}`);
});

after(async () => {
  await channel?.close();
  machine?.dispose();
  if (backups) rmSync(backups, { recursive: true, force: true });
});

test("what Wine 8 cannot answer: sc.exe lists no services, whoami.exe shows no groups", { timeout: 300_000 }, async () => {
  // sc.exe prints its usage (to the console, not to a pipe) and exits 1; the real adapter's listing fails on that.
  assert.equal(machine.wine(['sc', 'query', 'type=', 'service', 'state=', 'all'], 60_000).status, 1);
  await assert.rejects(RemoteHost.prototype.listServices.call(host), (e: unknown) => e instanceof CoreError, 'the real adapter under Wine fails to list');
  assert.equal(isMfaDataService({ name: MFA_SERVICE, displayName: '' }), true, 'the names the stand-in listing looks up are the ones the tool matches');
  // whoami /groups prints only the user name (exit 0), no integrity level: the adapter says it cannot tell (it once
  // read that as "not elevated", and the readiness gate refused the upgrade); the check Elevated is a Warning below.
  const whoami = machine.wine(['whoami', '/groups', '/fo', 'csv', '/nh'], 60_000);
  assert.equal(whoami.status, 0);
  assert.doesNotMatch(whoami.stdout, /S-1-16-/, whoami.stdout);
});

test('the Agent stand-in installed by msiexec into a spaced folder; Wine records its cached package (LocalPackage)', { timeout: 600_000 }, async () => {
  const installed = await host.runMsiexec({
    operation: 'install',
    packagePath: `${AGENT_MEDIA}\\${AGENT.file}`,
    properties: { INSTALLDIR: AGENT_DIR },
    logPath: 'C:\\Logs\\Agent Install.log',
  });
  assert.equal(installed.exitCode, 0);
  await host.writeFileAtomic(`${AGENT_DIR}Data\\PhoneFactor.pfdata`, USER_DATA);
  await host.setRegistryValue(PRODUCT_KEY, '32', { name: 'PrimaryServer', type: 'REG_SZ', data: 'MFA01.contoso.com' });
  const cached = await localPackageOf(AGENT.productCode);
  assert.ok(cached, 'LocalPackage is recorded for the Agent');
  assert.ok(existsSync(machine.linuxPath(cached)), `the cached package ${cached} exists`);
  // Only Windows Installer's cache can bring the Agent back now: the original media are gone.
  rmSync(machine.linuxPath(AGENT_MEDIA), { recursive: true });
  before_ = await machineState();
  assert.deepEqual(before_.products, [{ displayName: AGENT.displayName, displayVersion: AGENT.version, productCode: AGENT.productCode, view: '32' }]);
  assert.equal(createHash('sha256').update(USER_DATA).digest('hex'), before_.files[path.join('Data', 'PhoneFactor.pfdata')]);
  assert.deepEqual(before_.services, [{ name: 'PFSVC', displayName: 'PhoneFactor', state: 'Running', startType: 'Automatic' }], 'the Agent installed and started its service');
});

let agentPackage: string;

test("the upgrade's backup keeps the cached package (hashed, verdict Verified); the upgrade pauses at activation with MFA Server installed", { timeout: 1_200_000 }, async (t) => {
  const cached = (await localPackageOf(AGENT.productCode))!;
  const result = await runUpgrade({ hosts: [host], installerPath: SERVER_MEDIA, backupDestination: backups, resume: false }, ctx);
  t.diagnostic(`upgrade: ${result.Status} ${result.ExitCode}: ${result.Message}`);
  t.diagnostic(result.Steps.map((s) => `${s.Order} ${s.Action} ${s.Status}: ${s.Outcome ?? ''}`).join('\n'));
  const elevated = result.Readiness.find((r) => r.Check === 'Elevated');
  assert.equal(elevated?.Result, 'Warning', JSON.stringify(elevated));
  assert.match(String(elevated?.Detail), /could not be read: whoami \/groups printed no integrity level/);
  const steps = Object.fromEntries(result.Steps.map((s) => [s.Action, s.Status]));
  assert.equal(result.Status, 'Paused', `${result.Message}\n${logLines.join('\n')}`);
  assert.deepEqual(
    [steps.Backup, steps.Uninstall, steps.InstallServer, steps.ConfirmActivation],
    ['Completed', 'Completed', 'Completed', 'Paused'],
    JSON.stringify(result.Steps),
  );

  // The backup holds the cached package, as the manifest hashed it, and says it is the Agent's own.
  const [backupPath] = result.BackupPath;
  const record = JSON.parse(readFileSync(path.join(backupPath, ...ROLLBACK_MEDIA_RECORD.split('\\')), 'utf8')) as RollbackMediaRecord;
  const agent = record.products.find((p) => p.productCode === AGENT.productCode);
  assert.equal(agent?.verdict, 'Verified', JSON.stringify(record));
  assert.equal(agent?.source, 'CachedPackage', JSON.stringify(agent?.candidates));
  assert.equal(agent?.originalPath?.toLowerCase(), cached.toLowerCase());
  assert.equal(agent?.reinstall.installFolder?.replace(/\\?$/, '\\'), AGENT_DIR, JSON.stringify(agent?.reinstall));
  const manifest = JSON.parse(readFileSync(path.join(backupPath, MANIFEST_FILE_NAME), 'utf8')) as BackupManifest;
  const entry = manifest.files.find((f) => f.kind === 'RollbackMedia' && f.relativePath === agent?.package);
  assert.ok(entry, `the package is in the manifest: ${JSON.stringify(manifest.files.map((f) => f.relativePath))}`);
  agentPackage = path.join(backupPath, ...entry.relativePath.split('\\'));
  const bytes = readFileSync(agentPackage);
  assert.equal(createHash('sha256').update(bytes).digest('hex'), entry.sha256);
  assert.equal(entry.originalPath.toLowerCase(), cached.toLowerCase());

  // Windows Installer removed its cached package with the product; MFA Server is installed in its place.
  assert.equal(existsSync(machine.linuxPath(cached)), false, `${cached} is gone after the uninstall`);
  assert.equal(await localPackageOf(AGENT.productCode), undefined);
  assert.deepEqual(await host.listServices(), [], 'the Agent uninstall removed its service');
  assert.deepEqual(await phoneFactorProducts(), [{ displayName: MFA_SERVER.displayName, displayVersion: MFA_SERVER.version, productCode: MFA_SERVER.productCode, view: '64' }]);
});

test('Undo: MFA Server uninstalled, the Agent reinstalled from the backup into its folder, data file, product key and service back', { timeout: 1_200_000 }, async (t) => {
  const result = await runUndo({ hosts: [host], backupDestination: backups }, ctx);
  t.diagnostic(`undo: ${result.Status} ${result.ExitCode}: ${result.Message}`);
  t.diagnostic(result.Steps.map((s) => `${s.Order} ${s.Action} ${s.Status}: ${s.Outcome ?? ''}`).join('\n'));
  assert.equal(result.Status, 'Completed', `${result.Message}\n${logLines.slice(-40).join('\n')}`);
  assert.deepEqual(
    result.Steps.map((s) => [s.Action, s.Status]),
    [['Uninstall', 'Completed'], ['Reinstall', 'Completed'], ['RestoreFiles', 'Completed'], ['RestoreRegistry', 'Completed'], ['StartService', 'Completed'],
      ['Verify', 'Completed']],
  );
  const after = await machineState();
  assert.deepEqual(after.products, before_.products, 'the Agent, its version and its view; no MFA Server');
  assert.deepEqual(after.productKey, before_.productKey, 'the product key, value by value');
  assert.deepEqual(after.files, before_.files, 'every file of the Agent folder by SHA-256');
  assert.deepEqual(after.services, before_.services, 'the PhoneFactor service, running');
  const cached = await localPackageOf(AGENT.productCode);
  assert.ok(cached && existsSync(machine.linuxPath(cached)), 'Windows Installer cached the reinstalled package again');
  assert.ok(!existsSync(machine.linuxPath('C:\\Program Files\\Multi-Factor Authentication Server\\mfa-server-standin-readme.txt')), 'MFA Server files are gone');
});
