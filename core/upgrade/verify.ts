/**
 * The end state of an upgrade, checked on one or more servers: MFA Server installed where the Agent was, nothing of
 * PhoneFactor left, the data file present, each web component under an IIS application with its web.config, and every
 * SDK URL pointing at an SDK virtual directory that exists; with -WebTier, every endpoint of the server answering as
 * Test-MfaWebTier expects. Shared by the engine's last step and Test-MfaServerUpgrade.
 */
import type { Host } from '../host/host';
import { inventoryServer } from '../survey/inventory';
import type { ComponentRecord, ServerInventory } from '../domain/inventory-types';
import { DATA_FILE } from '../domain/catalog';
import { listWebApplications } from '../host/iis';
import { showSetting } from '../util/secrets';
import { testWebTier, type ProbeOptions } from '../webtier/index';
import { webTierDetail } from './webtier-results';
import type { PlanStep } from '../domain/plan-types';
import { readRedirect } from '../webconfig/index';
import { joinWindowsPath } from '../util/windows-path';
import { isCoreError } from '../util/errors';

export interface VerificationCheck {
  Name: string;
  Passed: boolean;
  Detail: string;
}

export interface ServerVerification {
  ComputerName: string;
  IsUpgraded: boolean;
  MfaServerVersion: string | null;
  Checks: VerificationCheck[];
}

/** What a plan expects of a server beyond the upgrade itself (-Goal Migrate): read from its Verify step. */
export interface ServerExpectation {
  /** A web server the migration leaves without any component: no MFA Server product is expected there. */
  retired: boolean;
  /** The retired User portal's folder and the address its web.config must redirect to. */
  redirect: { folder: string; destination: string } | null;
}

/** The expectations of the plan's Verify steps, by computer name (lower case). */
export function expectationsOf(steps: Pick<PlanStep, 'Action' | 'ComputerName' | 'Parameters'>[]): Map<string, ServerExpectation> {
  const out = new Map<string, ServerExpectation>();
  for (const s of steps.filter((p) => p.Action === 'Verify')) {
    const { retired, redirectFolder, redirectDestination } = s.Parameters;
    out.set(s.ComputerName.toLowerCase(), {
      retired: retired === true,
      redirect: typeof redirectFolder === 'string' && typeof redirectDestination === 'string'
        ? { folder: redirectFolder, destination: redirectDestination }
        : null,
    });
  }
  return out;
}

export interface VerifyOptions {
  /** What the run's plan expects of each server (-Goal Migrate), by computer name (lower case); none: a full upgrade. */
  expectations?: Map<string, ServerExpectation>;
  /** -WebTier: each server's endpoints (served, and used by its consumers) must answer too; probed from this machine. */
  webTier?: ProbeOptions;
  warn?: (message: string) => void;
}

export async function verifyServers(hosts: Host[], options: VerifyOptions = {}): Promise<ServerVerification[]> {
  const inventories = await Promise.all(hosts.map((h) => inventoryServer(h)));
  const sdkVdirs = await sdkApplications(hosts, inventories);
  const expectations = options.expectations ?? new Map<string, ServerExpectation>();
  const results: ServerVerification[] = [];
  for (const [i, host] of hosts.entries()) results.push(await verifyOne(host, inventories[i], sdkVdirs, expectations.get(host.computerName.toLowerCase())));
  if (!options.webTier) return results;
  const probes = await testWebTier(hosts, { options: options.webTier }, options.warn);
  return results.map((r) => {
    const mine = probes.filter((p) => p.computerName.toLowerCase() === r.ComputerName.toLowerCase());
    const checks = [...r.Checks, ...mine.map((p) => ({ Name: 'WebTier', Passed: p.outcome.result === 'Passed', Detail: webTierDetail(p) }))];
    return { ...r, Checks: checks, IsUpgraded: r.IsUpgraded && checks.every((c) => c.Passed) };
  });
}

async function verifyOne(host: Host, inv: ServerInventory, sdkVdirs: SdkEndpoint[], expect?: ServerExpectation): Promise<ServerVerification> {
  const checks: VerificationCheck[] = [];
  const add = (Name: string, Passed: boolean, Detail: string) => checks.push({ Name, Passed, Detail });
  const legacy = inv.Components.filter((c) => c.IsLegacy);
  add(
    'NoPhoneFactorComponentLeft',
    legacy.length === 0,
    legacy.length ? `Still installed: ${legacy.map((c) => c.DisplayName).join(', ')}` : 'No PhoneFactor-era product is registered.',
  );

  const server = inv.Components.find((c) => c.Component === 'MfaServer');
  const webComponents = inv.Components.filter((c) => !c.IsLegacy && c.Component !== 'MfaServer' && c.Component !== 'Agent');
  if (server) {
    add('MfaServerInstalled', true, `${server.DisplayName} ${server.Version ?? ''} in ${server.InstallPath ?? '(unknown folder)'}`.trim());
    add(...(await dataFileCheck(host, server)));
  } else if (webComponents.length === 0 && !expect?.retired) {
    add('MfaServerInstalled', false, 'Neither MFA Server nor any of its web components is installed on this server.');
  }
  for (const c of webComponents) {
    add(`${c.Component}Installed`, c.VirtualDirectory !== null && c.WebConfigPath !== null,
      c.VirtualDirectory ? `Under /${c.VirtualDirectory} (${c.PhysicalPath}), web.config ${c.WebConfigPath ? 'present' : 'MISSING'}` : `${c.DisplayName} is ` +
        `registered but no IIS application serves it.`);
    if (c.Component !== 'WebServiceSdk') add(...sdkUrlCheck(c, sdkVdirs));
  }
  if (expect?.redirect) add(...(await redirectCheck(host, expect.redirect)));
  return {
    ComputerName: inv.ComputerName,
    IsUpgraded: checks.every((c) => c.Passed) && (server !== undefined || webComponents.length > 0 || expect?.retired === true),
    MfaServerVersion: server?.Version ?? null,
    Checks: checks,
  };
}

async function dataFileCheck(host: Host, server: ComponentRecord): Promise<[string, boolean, string]> {
  if (!server.DataPath) return ['DataFilePresent', false, 'The data folder of MFA Server is unknown.'];
  const file = `${server.DataPath}\\${DATA_FILE}`;
  const stat = await host.stat(file);
  // The .pfdata format is not documented: presence and size are what can be checked honestly.
  if (!stat || stat.isDirectory) return ['DataFilePresent', false, `${file} is missing.`];
  return ['DataFilePresent', stat.size > 0, `${file} (${stat.size} bytes; its format is undocumented, so the upgrade of its contents is not inspected)`];
}

/** The retired portal's folder still redirects to the planned address (read back with our own web.config parser). */
async function redirectCheck(host: Host, r: { folder: string; destination: string }): Promise<[string, boolean, string]> {
  const file = joinWindowsPath(r.folder, 'web.config');
  const stat = await host.stat(file);
  if (!stat || stat.isDirectory) return ['PortalRedirect', false, `${file} is missing: the old User portal address redirects nowhere.`];
  try {
    const found = readRedirect(await host.readFile(file), file);
    if (found?.enabled && found.destination === r.destination) return ['PortalRedirect', true, `${file} redirects to ${found.destination}.`];
    return ['PortalRedirect', false, `${file} ${found ? `redirects to '${found.destination}'${found.enabled ? '' : ' (disabled)'}` : 'sets no redirect'}, ` +
      `not to ${r.destination}.`];
  } catch (e) {
    if (!isCoreError(e)) throw e;
    return ['PortalRedirect', false, `${file} cannot be read as a web.config: ${e.message}`];
  }
}

interface SdkEndpoint {
  computerName: string;
  hostNames: string[];
  vdir: string;
}

async function sdkApplications(hosts: Host[], inventories: ServerInventory[]): Promise<SdkEndpoint[]> {
  const out: SdkEndpoint[] = [];
  for (const [i, host] of hosts.entries()) {
    const sdk = inventories[i].Components.find((c) => c.Component === 'WebServiceSdk' && !c.IsLegacy);
    if (!sdk?.VirtualDirectory) continue;
    const apps = await listWebApplications(host);
    if (!apps.some((a) => a.applicationPath.replace(/^\//, '').toLowerCase() === sdk.VirtualDirectory!.toLowerCase())) continue;
    out.push({
      computerName: host.computerName,
      hostNames: [host.computerName, host.dnsName ?? '', 'localhost'].filter(Boolean).map((n) => n.toLowerCase()),
      vdir: sdk.VirtualDirectory,
    });
  }
  return out;
}

function sdkUrlCheck(c: ComponentRecord, sdks: SdkEndpoint[]): [string, boolean, string] {
  const name = `${c.Component}SdkUrl`;
  if (!c.SdkUrl) return [name, true, 'Its web.config names no Web Service SDK URL.'];
  // Shown through the secret rule: a URL can carry user:password@ or the SDK password in its query string.
  const shown = showSetting('SdkUrl', c.SdkUrl);
  let url: URL;
  try {
    url = new URL(c.SdkUrl);
  } catch {
    return [name, false, `The SDK URL '${shown}' is not a valid URL.`];
  }
  const vdir = decodeURIComponent(url.pathname.split('/').filter(Boolean)[0] ?? '');
  const host = url.hostname.toLowerCase();
  const servesHost = (s: (typeof sdks)[number]) => s.hostNames.includes(host) || s.hostNames.some((n) => host.startsWith(`${n}.`));
  const match = sdks.find((s) => s.vdir.toLowerCase() === vdir.toLowerCase() && servesHost(s));
  if (match) return [name, true, `${shown} -> /${match.vdir} on ${match.computerName}`];
  const known = sdks.map((s) => `/${s.vdir} on ${s.computerName}`).join(', ') || 'none among the servers checked';
  return [name, false, `${shown} points at /${vdir} on ${url.hostname}, which is not an installed Web Service SDK (known: ${known}).`];
}
