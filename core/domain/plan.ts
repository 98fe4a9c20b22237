/**
 * Get-MfaUpgradePlan's brain: turn the inventories of one or more servers into the ordered steps of the documented
 * PhoneFactor Agent → MFA Server upgrade (back up, uninstall portal / mobile app service / SDK / Agent, install
 * MFA Server, activate, reinstall the web components, merge web.configs, restore themes, verify).
 * Pure: no I/O, so the same inventory always gives the same plan.
 */
import { joinWindowsPath } from '../util/windows-path';
import { MFA_SERVER_RETIREMENT_DATE, MFA_SERVER_SETUP_FILE, type WebComponentName } from './catalog';
import { backupThemesRelativePath, backupWebConfigRelativePath, componentSteps, stepId } from './plan-component-steps';
import { buildFollowUps } from './plan-followups';
import { consumerSteps, distinctConsumers } from './plan-consumers';
import { STEP_BASIS } from './plan-basis';
import { dataPathOf, INSTALL_ORDER, planServers, UNINSTALL_ORDER, type PlannedServer } from './plan-servers';
import type { DraftStep, PlanConsumer, PlanInput, PlanStep, UpgradePlan } from './plan-types';
import { oldVirtualDirectory, wantedVirtualDirectory, type SdkMove } from './plan-web';
import { keepDecision, redirectStep, type KeepDecision } from './plan-migrate';

export type * from './plan-types';

export function buildUpgradePlan(input: PlanInput): UpgradePlan {
  const inferences: string[] = [];
  const servers = planServers(input.servers, inferences);
  const mfaServers = servers.filter((s) => s.isMfaServer);
  if (mfaServers.length > 1) {
    inferences.push(
      `Several servers run the PhoneFactor Agent (${mfaServers.map((s) => s.name).join(', ')}). They are upgraded in the order given, ` +
        'on the assumption that subordinate servers come first and the primary last, as Microsoft advises for MFA Server upgrades; ' +
        'no source states this for PhoneFactor Agent 5.x. List the subordinates first and the primary last.',
    );
  }
  // Web servers' components are uninstalled before any Agent: sorting by the documented component order does that.
  const uninstalls = UNINSTALL_ORDER.flatMap((component) => servers.filter((s) => s.legacy.has(component)).map((s) => uninstallStep(s, component, inferences)));

  const goal = input.goal ?? 'Upgrade';
  const kept = keepDecision(input, servers, inferences);
  const sdks: SdkMove[] = servers.flatMap((s) => {
    const sdk = kept(s, 'WebServiceSdk') === null ? undefined : s.legacy.get('WebServiceSdk');
    return sdk ? [{
      computerName: s.name,
      dnsName: s.inventory.DnsName,
      oldVdir: oldVirtualDirectory(sdk),
      newVdir: wantedVirtualDirectory(sdk, input.naming),
    }] : [];
  });
  const sdkUrlProblems: { server: string; component: string; reason: string }[] = [];
  const components = INSTALL_ORDER.flatMap((component) =>
    servers
      .filter((s) => s.legacy.has(component) && kept(s, component) !== null)
      .flatMap((server) => {
        // Any MFA server's install folder holds both bitnesses; the first one listed is installed first.
        const result = componentSteps(component, { input, server, source: mfaServers[0], sdks });
        if (result.sdkUrlProblem) sdkUrlProblems.push({ server: server.name, component, reason: result.sdkUrlProblem });
        return goal === 'Migrate' ? result.steps.map((step) => keptForMigration(step, kept(server, component)!)) : result.steps;
      }),
  );
  // Migrate: the retired portal's address sends users to Microsoft's registration page.
  const redirects = goal === 'Migrate' ? servers.filter((s) => s.legacy.has('UserPortal') && kept(s, 'UserPortal') === null).map(redirectStep) : [];

  // Callers of the SDK on the planned servers or elsewhere (an application server, AD FS, MIM): each server's backup
  // holds their files before anything changes, and they are rewritten once the web components are back.
  // One spelling per server (names compare case-insensitively): the plan's own, else the first one found.
  const names = new Map(servers.map((s) => [s.name.toLowerCase(), s.name]));
  for (const c of input.consumers ?? []) if (!names.has(c.computerName.toLowerCase())) names.set(c.computerName.toLowerCase(), c.computerName);
  const consumers = distinctConsumers((input.consumers ?? []).map((c) => ({ ...c, computerName: names.get(c.computerName.toLowerCase())! })));
  inferences.push(...(input.consumerNotes ?? []));
  const consumersOf = (name: string) => consumers.filter((c) => c.computerName.toLowerCase() === name.toLowerCase());
  const consumerOnly = [...new Set(consumers.map((c) => c.computerName))].filter((n) => !servers.some((s) => s.name.toLowerCase() === n.toLowerCase()));
  const drafts: DraftStep[] = [
    ...servers.map((s) => backupStep(s, input, consumersOf(s.name))),
    ...consumerOnly.map((name) => consumerBackupStep(name, input, consumersOf(name))),
    ...uninstalls,
    ...mfaServers.flatMap((s) => [installServerStep(s, input), activationStep(s, mfaServers.length)]),
    ...components,
    ...consumerSteps(consumers),
    ...redirects,
    ...servers.map((s) => verifyStep(s, kept, redirects)),
  ];
  const steps: PlanStep[] = drafts.map((d, i) => ({ Order: i + 1, ...d, Basis: STEP_BASIS[d.Action] }));
  return { Goal: goal, Notice: notice(), Steps: steps, FollowUps: buildFollowUps(input, servers, sdkUrlProblems, kept), Inferences: inferences };
}

/** A Migrate plan's reinstall step says why the component comes back although the migration does not need it. */
function keptForMigration(step: DraftStep, why: string): DraftStep {
  return { ...step, Reason: `Kept for the migration: ${why}. ${step.Reason}` };
}

/** The end-of-service notice every upgrade answer carries. */
export function notice(): string {
  return (
    `Since ${MFA_SERVER_RETIREMENT_DATE}, MFA Server no longer handles multifactor authentication requests. ` +
    'This upgrade only serves to reach an MFA Server build that includes the Migration Utility, so that users\' ' +
    'authentication methods can be moved to cloud-based Microsoft Entra multifactor authentication. Plan the migration ' +
    'right after the upgrade; do not expect the upgraded server to keep authenticating users.'
  );
}

/** The files of the SDK's callers a Backup step takes ('|' cannot occur in a Windows path). */
function consumerFilesParameter(consumers: PlanConsumer[]): Record<string, string> {
  const files = [...new Map(consumers.map((c) => [c.file.toLowerCase(), c.file])).values()];
  return files.length > 0 ? { consumerFiles: files.join('|') } : {};
}

const consumerFilesText = (consumers: PlanConsumer[]) => {
  const n = new Set(consumers.map((c) => c.file.toLowerCase())).size;
  return `the file${n === 1 ? '' : 's'} of ${n} other caller${n === 1 ? '' : 's'} of the Web Service SDK`;
};

function backupStep(server: PlannedServer, input: PlanInput, consumers: PlanConsumer[]): DraftStep {
  const parameters: Record<string, string | boolean | null> = {
    destination: input.backupDestination,
    components: [...server.legacy.keys()].join(','),
    dataPath: dataPathOf(server),
    ...consumerFilesParameter(consumers),
  };
  const what: string[] = server.isMfaServer ? ['the data folder'] : [];
  for (const component of ['UserPortal', 'MobileAppWebService', 'WebServiceSdk'] as WebComponentName[]) {
    const record = server.legacy.get(component);
    if (!record) continue;
    const webConfig = record.WebConfigPath ?? (record.PhysicalPath ? joinWindowsPath(record.PhysicalPath, 'web.config') : null);
    parameters[`webConfig.${component}`] = webConfig;
    parameters[`webConfigBackup.${component}`] = backupWebConfigRelativePath(component);
    what.push(`the ${component} web.config`);
  }
  const portal = server.legacy.get('UserPortal');
  if (portal && portal.ThemePaths.length > 0) {
    parameters['themePaths'] = portal.ThemePaths.join('|');
    parameters['themesBackup'] = backupThemesRelativePath();
    what.push('the custom portal themes');
  }
  if (consumers.length > 0) what.push(consumerFilesText(consumers));
  return {
    Id: stepId(server.name, 'backup'),
    Action: 'Backup',
    Component: null,
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: server.name,
    Target: input.backupDestination,
    Description: `Back up ${server.name} (${what.join(', ')}) to ${input.backupDestination} with a hashed manifest, and verify the backup.`,
    Reason: 'The uninstall removes the old components; nothing is uninstalled on any server before every backup is verified.',
    Parameters: parameters,
  };
}

/** A server the upgrade changes only because it calls the SDK (an application server, AD FS, MIM): its callers' files. */
function consumerBackupStep(name: string, input: PlanInput, consumers: PlanConsumer[]): DraftStep {
  return {
    Id: stepId(name, 'backup'),
    Action: 'Backup',
    Component: null,
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: name,
    Target: input.backupDestination,
    Description: `Back up ${name} (${consumerFilesText(consumers)}) to ${input.backupDestination} with a hashed manifest, and verify the backup.`,
    Reason: 'Their SDK URL is changed later in the run; each file is kept as it was before anything on any server changes.',
    Parameters: { destination: input.backupDestination, components: '', dataPath: null, ...consumerFilesParameter(consumers) },
  };
}

function uninstallStep(server: PlannedServer, component: (typeof UNINSTALL_ORDER)[number], inferences: string[]): DraftStep {
  const record = server.legacy.get(component)!;
  if (!record.ProductCode) {
    inferences.push(`${server.name} reported no product code for ${record.DisplayName}; the uninstall must find it by display name.`);
  }
  return {
    Id: stepId(server.name, 'uninstall', component),
    Action: 'Uninstall',
    Component: component,
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: server.name,
    Target: record.ProductCode ?? record.DisplayName,
    Description: `Uninstall ${record.DisplayName}${record.Version ? ` ${record.Version}` : ''} from ${server.name}.`,
    Reason: 'PhoneFactor Agent 5.x cannot be upgraded in place; its components are removed in the documented order (User portal, Mobile App Web Service, Web ' +
      'Service SDK, Agent).',
    Parameters: { productCode: record.ProductCode, displayName: record.DisplayName, version: record.Version },
  };
}

function installServerStep(server: PlannedServer, input: PlanInput): DraftStep {
  const setupPath = joinWindowsPath(input.installerPath, MFA_SERVER_SETUP_FILE);
  return {
    Id: stepId(server.name, 'install-server'),
    Action: 'InstallServer',
    Component: 'MfaServer',
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: server.name,
    Target: setupPath,
    Description: `Install MFA Server${input.newVersion ? ` ${input.newVersion}` : ''} from ${setupPath} into ${server.installPath}.`,
    Reason: 'The installer takes the previous install path from the registry and upgrades the data file left by the Agent, so users and settings are kept.',
    Parameters: {
      setupPath,
      installerPath: input.installerPath,
      installPath: server.installPath,
      dataPath: dataPathOf(server),
      newVersion: input.newVersion,
    },
  };
}

function activationStep(server: PlannedServer, mfaServerCount: number): DraftStep {
  const instruction =
    `If MFA Server on ${server.name} asks to be activated: a Global Administrator generates activation credentials in the ` +
    'Microsoft Entra admin center; enter them in the MFA Server console and choose the replication group this server belongs to' +
    (mfaServerCount > 1 ? ' (the same group as the other MFA servers of this deployment)' : '') +
    '. The replication group cannot be changed after activation. Then resume the upgrade.';
  return {
    Id: stepId(server.name, 'confirm-activation'),
    Action: 'ConfirmActivation',
    Component: 'MfaServer',
    Kind: 'Manual',
    // The executor pauses only when the installed server turns out to need activation.
    Blocking: false,
    ComputerName: server.name,
    Target: server.name,
    Description: `Activate MFA Server on ${server.name} if it asks, in the right replication group.`,
    Reason: 'An upgraded data file normally keeps its activation; if it does not, nothing works until the server is activated.',
    Parameters: { checkActivation: true, instruction },
  };
}

function verifyStep(server: PlannedServer, kept: KeepDecision, redirects: DraftStep[]): DraftStep {
  const redirect = redirects.find((r) => r.ComputerName === server.name);
  const components = [...server.legacy.keys()].filter((c) => c !== 'Agent' && kept(server, c as WebComponentName) !== null);
  return {
    Id: stepId(server.name, 'verify'),
    Action: 'Verify',
    Component: null,
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: server.name,
    Target: server.name,
    Description: `Check ${server.name}: no PhoneFactor component left, ` +
      (components.length ? 'MFA Server components installed on the planned virtual directories, web.configs merged' : server.isMfaServer
        ? 'MFA Server installed' : 'no web component left (none is needed for the migration)') +
      (redirect ? `, the old portal address redirecting to ${String(redirect.Parameters.destination)}` : '') + '.',
    Reason: 'An upgrade is done when the result is checked, not when the installers exit.',
    Parameters: {
      expectMfaServer: server.isMfaServer,
      components: components.join(','),
      // A web server the migration leaves without any component: nothing of MFA Server is expected there.
      retired: !server.isMfaServer && components.length === 0,
      redirectFolder: redirect ? String(redirect.Parameters.folder) : null,
      redirectDestination: redirect ? String(redirect.Parameters.destination) : null,
    },
  };
}
