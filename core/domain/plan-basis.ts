/**
 * What each planned step and follow-up rests on: the Microsoft Learn page that says it (domain/learn-sources.ts), as
 * a ticket reviewer can open it. Given once per action or follow-up kind, so no step can come without one.
 */
import { LEARN, basis, inference } from './learn-sources';
import type { PlanAction } from './plan-types';

const UPGRADE = LEARN.upgradePhoneFactor;

export const STEP_BASIS: Record<PlanAction, string> = {
  Backup: basis('The data file, and the web.config and custom themes of each web component, are backed up before anything is uninstalled', UPGRADE),
  Uninstall: basis(
    'PhoneFactor Agent v5.x has no in-place upgrade: the User portal, the Mobile App Web Service, the Web Service SDK and the Agent are uninstalled first, ' +
      'in that order',
    UPGRADE,
  ),
  InstallServer: basis('The MFA Server installer takes the install path from the PhoneFactor registry entry and upgrades the data file', UPGRADE),
  ConfirmActivation: basis('If prompted, the server is activated and put in the right replication group', UPGRADE),
  InstallComponent: basis(
    'The Web Service SDK and a same-server User portal are installed from the MFA Server console; on another server the component MSI from the install ' +
      'folder is run elevated',
    UPGRADE,
  ),
  CopyInstaller: basis('A web server gets the component MSI from the MFA Server install folder', UPGRADE),
  MergeWebConfig: basis(
    'The new web.config gets the appSettings and applicationSettings of the backed-up one, with the SDK URL corrected when the SDK\'s virtual ' +
      'directory changed',
    UPGRADE,
  ),
  RestoreThemes: basis('Custom theme folders under App_Themes are backed up and put back', UPGRADE),
  RewriteSdkConsumer: basis(
    'When the Web Service SDK\'s virtual directory changes, the SDK URL is changed in any application that references the SDK; the AD FS adapter ' +
      'keeps it in WebServiceSdkUrl and is registered with AD FS from its configuration file, MIM in LOCMFASRV of MfaSettings.xml, read when the MIM ' +
      'Service starts',
    UPGRADE,
    LEARN.adfsAdapter,
    LEARN.mimWithMfaServer,
  ),
  WriteRedirect: basis(
    'When users are migrated, the User portal\'s URL is redirected to aka.ms/mfasetup (or users are no longer allowed to log in to it). Inference: an IIS ' +
      'httpRedirect web.config in the folder IIS serves the old address from does that without the portal',
    LEARN.migration,
  ),
  Verify: inference('an upgrade is done when the result is checked, not when the installers exit'),
};

export const FOLLOW_UP_BASIS = {
  portalUrl: basis('When the User portal\'s virtual directory changes, the User portal URL is updated on its Settings tab in the console', UPGRADE),
  tellUsers: basis('A new User portal virtual directory changes the address users know', UPGRADE),
  mobileAppUrl: basis('When the Mobile App Web Service\'s virtual directory changes, its URL is updated in the console (Mobile App)', UPGRADE),
  mobileAppRetirement: basis('From MFA Server 8.0 on, the Mobile App Web Service can be uninstalled after the upgrade', UPGRADE, LEARN.upgradeLatest),
  sdkUrl: basis('The SDK URL in the new web.config is corrected when the SDK\'s virtual directory changed', UPGRADE),
  migrate: basis('MFA Server 8.1 and later ship the Migration Utility, which moves users\' methods to Microsoft Entra MFA', LEARN.migration),
} as const;

/** What each of the migration's steps (the follow-ups of a -Goal Migrate plan) rests on. */
export const MIGRATION_BASIS = {
  readiness: inference(
    'the Migration Utility needs MFA Server 8.1 or later on the primary (or a dedicated secondary), the sign-in and Graph endpoints and admin consent; ' +
      'TLS 1.2 is required by Microsoft Entra',
    LEARN.migration,
    LEARN.tls12,
  ),
  configureUtility: basis(
    'Configure-MultiFactorAuthMigrationUtility.ps1 registers the Utility in Entra; an Application Administrator grants consent',
    LEARN.migration,
  ),
  enableMethods: basis('Users can\'t use their newly migrated methods unless the methods are enabled; PIN modes have no equivalent', LEARN.migration),
  migrateUsers: basis('The Migration Utility syncs the methods of one Entra group; the audit log shows each change by "Azure MFA Management"', LEARN.migration),
  stagedRollout: basis('Staged Rollout groups are separate from the migration group, at most 10 groups of 50,000 users, not nested or dynamic', LEARN.migration,
    LEARN.migrateUserAuthentication),
  reviewUsage: basis('Before removing the server, review the MFA Server logs to ensure no users or applications are using it',
    LEARN.migrateUserAuthentication),
  cutOver: basis('Cut-over sets federatedIdpMfaBehavior to rejectMfaByFederatedIdp, which can take up to 24 hours', LEARN.migration),
  decommission: basis('Decommission: remove Staged Rollout, revert claims rules, remove MFA Server and its leftover web folders',
    LEARN.migrateUserAuthentication, LEARN.migrateFromServer),
} as const;
