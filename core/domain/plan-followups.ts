/**
 * What the admin does after the run: console URL settings, telling users, dropping the Mobile App Web Service,
 * and the reason the upgrade exists at all, moving to cloud MFA. Follow-ups never block the run.
 */
import { WEB_COMPONENTS } from './catalog';
import type { FollowUp, PlanInput } from './plan-types';
import { majorVersion, type PlannedServer } from './plan-servers';
import { oldVirtualDirectory, sameName, wantedVirtualDirectory } from './plan-web';
import { FOLLOW_UP_BASIS } from './plan-basis';
import { migrationFollowUps, type KeepDecision } from './plan-migrate';

export function buildFollowUps(
  input: PlanInput,
  servers: PlannedServer[],
  sdkUrlProblems: { server: string; component: string; reason: string }[],
  kept: KeepDecision,
): FollowUp[] {
  const console = servers.find((s) => s.isMfaServer)!;
  const out: FollowUp[] = [];
  for (const server of servers) {
    const dns = server.inventory.DnsName || server.name;
    const portal = kept(server, 'UserPortal') === null ? undefined : server.legacy.get('UserPortal');
    if (portal) {
      const oldVdir = oldVirtualDirectory(portal);
      const vdir = wantedVirtualDirectory(portal, input.naming);
      if (!sameName(oldVdir, vdir)) {
        const url = `https://${dns}/${vdir}`;
        out.push({
          Id: `${server.name}:followup:portal-url`,
          ComputerName: console.name,
          Title: 'Set the User portal URL in the MFA Server console',
          Instruction: `On ${console.name}, open the MFA Server console, select User Portal and, on its Settings tab, set the User portal URL to ${url} ` +
            `(it was https://${dns}/${oldVdir}).`,
          Basis: FOLLOW_UP_BASIS.portalUrl,
        });
        out.push({
          Id: `${server.name}:followup:tell-users`,
          ComputerName: server.name,
          Title: 'Tell users the new User portal address',
          Instruction: `The User portal moved from https://${dns}/${oldVdir} to ${url}. Tell users, and update bookmarks, intranet links and documentation ` +
            `that point at the old address.`,
          Basis: FOLLOW_UP_BASIS.tellUsers,
        });
      }
    }
    const mobile = kept(server, 'MobileAppWebService') === null ? undefined : server.legacy.get('MobileAppWebService');
    if (mobile) {
      const oldVdir = oldVirtualDirectory(mobile);
      const vdir = wantedVirtualDirectory(mobile, input.naming);
      if (!sameName(oldVdir, vdir)) {
        out.push({
          Id: `${server.name}:followup:mobile-app-url`,
          ComputerName: console.name,
          Title: 'Set the Mobile App Web Service URL in the MFA Server console',
          Instruction: `On ${console.name}, open the MFA Server console, select Mobile App and set the Mobile App Web Service URL to https://${dns}/${vdir} ` +
            `(it was https://${dns}/${oldVdir}).`,
          Basis: FOLLOW_UP_BASIS.mobileAppUrl,
        });
      }
      out.push(mobileAppRetirement(server, mobile.Version, input.newVersion));
    }
  }
  for (const p of sdkUrlProblems) {
    out.push({
      Id: `${p.server}:followup:check-sdk-url:${p.component}`,
      ComputerName: p.server,
      Title: `Check the Web Service SDK URL of ${p.component}`,
      Instruction: `The SDK's virtual directory changes, but ${p.reason}, so the URL was carried over unchanged. Open the new web.config of ${p.component} ` +
        `on ${p.server} and point the *_pfwssdk_PfWsSdk setting at ` +
        `https://<host on the SDK certificate>/<new SDK vdir>/${WEB_COMPONENTS.WebServiceSdk.endpoint}.`,
      Basis: FOLLOW_UP_BASIS.sdkUrl,
    });
  }
  // Migrate: the follow-ups are the migration's own steps.
  if ((input.goal ?? 'Upgrade') === 'Migrate') return [...out, ...migrationFollowUps(console.name)];
  out.push({
    Id: `${console.name}:followup:migrate-to-cloud-mfa`,
    ComputerName: console.name,
    Title: 'Move users to cloud-based Microsoft Entra MFA',
    Instruction:
      `MFA Server no longer answers MFA requests, so this upgrade is only a step towards the cloud. On ${console.name}, ` +
      'set up the Migration Utility that ships with MFA Server 8.1 and later (Configure-MultiFactorAuthMigrationUtility.ps1), ' +
      'open MultiFactorAuthMigrationUtilityUI, and migrate users in stages to Microsoft Entra multifactor authentication ' +
      '(staged rollout), then retire MFA Server.',
    Basis: FOLLOW_UP_BASIS.migrate,
  });
  return out;
}

function mobileAppRetirement(server: PlannedServer, oldVersion: string | null, newVersion: string | null): FollowUp {
  // PhoneFactor-era components are 5.x; an unreported version is treated as such.
  const from = majorVersion(oldVersion) ?? 5;
  const to = majorVersion(newVersion);
  const base = { Id: `${server.name}:followup:retire-mobile-app-web-service`, ComputerName: server.name, Basis: FOLLOW_UP_BASIS.mobileAppRetirement };
  if (to !== null && from < 8 && to >= 8) {
    return {
      ...base,
      Title: 'Uninstall the Mobile App Web Service when the upgrade is confirmed',
      Instruction: `From MFA Server 8.0 on, the Authenticator app works without the Mobile App Web Service. Once the upgrade to ${newVersion} is verified, ` +
        `uninstall it from ${server.name} (Programs and Features).`,
    };
  }
  return {
    ...base,
    Title: 'Check whether the Mobile App Web Service is still needed',
    Instruction:
      to === null
        ? `The version of the new MFA Server is unknown. If it is 8.0 or later, the Authenticator app no longer needs the Mobile App Web Service and it can ` +
          `be uninstalled from ${server.name} after the upgrade.`
        : `MFA Server ${newVersion} still uses the Mobile App Web Service; keep it on ${server.name}. From 8.0 on it can be uninstalled.`,
  };
}
