/**
 * -Goal Migrate: the server upgrade as a stage on the way to cloud Microsoft Entra MFA. Microsoft says that on the way
 * to migration "you don't have to update the WebSDK or User portal" (M1), so a web component comes back only where
 * something still needs it: the admin keeps it (-KeepWebComponent), or, for the Web Service SDK, a caller other than
 * our own portal and mobile app web service was found (Get-MfaSdkConsumer's inventory), or a kept portal / mobile app
 * web service names it. The old User portal address then sends users to Microsoft's registration page (M1: redirect
 * the portal URL "to aka.ms/mfasetup"), and the follow-ups are the migration's own steps.
 * Pure: no I/O.
 */
import { PORTAL_REDIRECT_DESTINATION, type WebComponentName } from './catalog';
import { stepId } from './plan-component-steps';
import type { PlannedServer } from './plan-servers';
import type { DraftStep, FollowUp, PlanInput } from './plan-types';
import { DEFAULT_SITE, newPhysicalPath, oldVirtualDirectory } from './plan-web';
import { MIGRATION_BASIS } from './plan-basis';

/** Why a web component of a server comes back, or null when it does not (Upgrade: always, with no special reason). */
export type KeepDecision = (server: PlannedServer, component: WebComponentName) => string | null;

export function keepDecision(input: PlanInput, servers: PlannedServer[], inferences: string[]): KeepDecision {
  if ((input.goal ?? 'Upgrade') === 'Upgrade') return () => 'the upgrade brings every web component back';
  const keep = new Set(input.keepWebComponents ?? []);
  for (const component of keep) {
    if (!servers.some((s) => s.legacy.has(component))) {
      inferences.push(`-KeepWebComponent names ${component}, which none of the servers has: there is nothing of it to keep.`);
    }
  }
  const consumers = input.sdkConsumers ?? [];
  const sdkNeed = ((): string | null => {
    if (keep.has('WebServiceSdk')) return '-KeepWebComponent WebServiceSdk';
    if (consumers.length > 0) {
      const shown = consumers.slice(0, 3).map((c) => `${c.kind} ${c.file} on ${c.computerName}`).join('; ');
      return `the Web Service SDK still has ${consumers.length} caller(s) other than our own portal and mobile app web service (${shown}` +
        `${consumers.length > 3 ? '; …' : ''}; Get-MfaSdkConsumer lists them)`;
    }
    // A kept portal or mobile app web service that calls an SDK needs one; which server's SDK it calls is not decided
    // here (a load-balanced name may stand for any): every SDK of the deployment stays.
    const callers = servers.flatMap((s) =>
      (['UserPortal', 'MobileAppWebService'] as const).filter((c) => keep.has(c) && s.legacy.get(c)?.SdkUrl).map((c) => `${c} on ${s.name}`));
    if (callers.length > 0) return `the kept ${callers.join(', ')} call${callers.length === 1 ? 's' : ''} the Web Service SDK`;
    return null;
  })();
  return (_server, component) => {
    if (component === 'WebServiceSdk') return sdkNeed;
    return keep.has(component) ? `-KeepWebComponent ${component}` : null;
  };
}

/** Where the old portal's files were: the folder IIS served its address from. */
export function oldPortalFolder(server: PlannedServer): string {
  const portal = server.legacy.get('UserPortal')!;
  return (portal.PhysicalPath ?? '').replace(/[\\/]+$/, '') || newPhysicalPath(oldVirtualDirectory(portal));
}

/** The step that makes the retired portal's address send users to Microsoft's registration page. */
export function redirectStep(server: PlannedServer): DraftStep {
  const portal = server.legacy.get('UserPortal')!;
  const vdir = oldVirtualDirectory(portal);
  const folder = oldPortalFolder(server);
  const site = portal.SiteName || DEFAULT_SITE;
  const url = `https://${server.inventory.DnsName || server.name}/${vdir}`;
  return {
    Id: stepId(server.name, 'write-redirect', 'UserPortal'),
    Action: 'WriteRedirect',
    Component: 'UserPortal',
    Kind: 'Automatic',
    Blocking: false,
    ComputerName: server.name,
    Target: folder,
    Description: `Send ${url} to ${PORTAL_REDIRECT_DESTINATION}: an IIS httpRedirect web.config in ${folder}, the folder of the old /${vdir} (site ${site}).`,
    Reason:
      'The User portal is not reinstalled for the migration; users who still open its address are sent to the page where they register their methods ' +
      'for Microsoft Entra MFA. IIS serves the redirect only with its HTTP Redirection feature (Web-Http-Redirect) installed, and only while the folder ' +
      'is what IIS maps the address to (the site\'s folder plus the old name, or a virtual directory on it); the step checks the second.',
    Parameters: { folder, virtualDirectory: vdir, siteName: site, destination: PORTAL_REDIRECT_DESTINATION, url },
  };
}

/** The migration's steps after the server upgrade, in Microsoft's order (M1, M3), as follow-ups the run never does. */
export function migrationFollowUps(console: string): FollowUp[] {
  const step = (key: keyof typeof MIGRATION_BASIS, Title: string, Instruction: string): FollowUp => ({
    Id: `${console}:migration:${key}`,
    ComputerName: console,
    Title,
    Instruction,
    Basis: MIGRATION_BASIS[key],
  });
  return [
    step('readiness', 'Check the server and the tenant for the Migration Utility',
      `Run Test-MfaMigrationReadiness on ${console} (MFA Server build, Migration Utility, replication role, .NET TLS 1.2, the cloud's endpoints, users ` +
        'whose methods do not migrate) and Test-MfaTenantReadiness (methods enabled, consent, Staged Rollout groups).'),
    step('configureUtility', 'Register the Migration Utility in Microsoft Entra',
      `On ${console} (the primary, or a secondary that handles no other MFA traffic), run Configure-MultiFactorAuthMigrationUtility.ps1 from the install ` +
        'folder, elevated, as an Application Administrator, and grant admin consent to the "MFA Server Migration Utility" app.'),
    step('enableMethods', 'Enable the methods users will bring',
      'In the Authentication methods policy, enable the methods the Utility writes (phone, Authenticator, hardware OATH tokens); users cannot use a ' +
        'migrated method that is disabled. PIN modes have no equivalent: enable voice OTP or number matching instead.'),
    step('migrateUsers', 'Migrate users with the Migration Utility',
      'Open MultiFactorAuthMigrationUtilityUI, choose the Entra group to migrate and its settings, run it (or turn on automatic synchronization), ' +
        'and check the result in the audit log (actor "Azure MFA Management") or with Get-MfaMigrationStatus.'),
    step('stagedRollout', 'Move users to Entra MFA with Staged Rollout',
      'Add migrated users to a Staged Rollout group for MFA (a group of its own, not nested or dynamic, at most 10 groups of 50,000 users), in stages.'),
    step('reviewUsage', 'Make sure nobody uses MFA Server any more',
      `Run Get-MfaServerUsage on ${console} (and -Summary for callers): no user or application may still authenticate through MFA Server.`),
    step('cutOver', 'Cut over the federated domains',
      'Set federatedIdpMfaBehavior to rejectMfaByFederatedIdp on each federated domain (takes up to 24 hours); export the tenant state first ' +
        '(Export-MfaTenantState).'),
    step('decommission', 'Retire MFA Server',
      `Remove Staged Rollout, revert the AD FS claims rules, uninstall MFA Server from ${console} and remove its leftover web folders.`),
  ];
}
