/**
 * The public pages a Basis cites (readiness rows, plan steps, follow-ups): Microsoft Learn titles and URLs a ticket
 * reviewer can open, never the project's own note numbers. Titles are those the pages carried when they were read
 * (../shared/reference/mfa-server-sources.md, section 0); the retired MFA Server pages moved under /previous-versions/,
 * where Learn redirects the old addresses.
 */
export interface LearnPage {
  title: string;
  url: string;
}

export const LEARN = {
  upgradePhoneFactor: {
    title: 'Upgrade the PhoneFactor Agent to Microsoft Entra Multifactor Authentication Server',
    url: 'https://learn.microsoft.com/previous-versions/entra/identity/authentication/howto-mfaserver-deploy-upgrade-pf',
  },
  upgradeLatest: {
    title: 'Upgrade to the latest Azure Multi-Factor Authentication Server',
    url: 'https://learn.microsoft.com/entra/identity/authentication/howto-mfaserver-deploy-upgrade',
  },
  userPortal: {
    title: 'User portal for the Microsoft Entra multifactor authentication Server',
    url: 'https://learn.microsoft.com/entra/identity/authentication/howto-mfaserver-deploy-userportal',
  },
  deploy: {
    title: 'Getting started with the Azure AD Multi-Factor Authentication Server',
    url: 'https://learn.microsoft.com/entra/identity/authentication/howto-mfaserver-deploy',
  },
  migration: {
    title: 'MFA Server migration',
    url: 'https://learn.microsoft.com/entra/identity/authentication/how-to-mfa-server-migration-utility',
  },
  adfsAdapter: {
    title: 'MFA Server with AD FS in Windows Server',
    url: 'https://learn.microsoft.com/entra/identity/authentication/howto-mfaserver-adfs-windows-server',
  },
  mimWithMfaServer: {
    title: 'Use MFA Server to activate PAM or SSPR (Microsoft Identity Manager)',
    url: 'https://learn.microsoft.com/microsoft-identity-manager/working-with-mfaserver-for-mim',
  },
  migrateFromServer: {
    title: 'Migrate from MFA Server to Microsoft Entra multifactor authentication',
    url: 'https://learn.microsoft.com/entra/identity/authentication/how-to-migrate-mfa-server-to-azure-mfa',
  },
  migrateUserAuthentication: {
    title: 'Migrate to Microsoft Entra multifactor authentication and Microsoft Entra user authentication',
    url: 'https://learn.microsoft.com/entra/identity/authentication/how-to-migrate-mfa-server-to-mfa-user-authentication',
  },
  tls12: {
    title: 'Enable support for TLS 1.2 in your environment for Microsoft Entra TLS 1.1 and 1.0 deprecation',
    url: 'https://learn.microsoft.com/troubleshoot/entra/entra-id/ad-dmn-services/enable-support-tls-environment',
  },
  nationalClouds: {
    title: 'National clouds',
    url: 'https://learn.microsoft.com/entra/identity-platform/authentication-national-cloud',
  },
  graphDeployments: {
    title: 'National cloud deployments',
    url: 'https://learn.microsoft.com/graph/deployments',
  },
  msiexecExitCodes: {
    title: 'MsiExec.exe and InstMsi.exe error messages',
    url: 'https://learn.microsoft.com/windows/win32/msi/error-codes',
  },
} as const satisfies Record<string, LearnPage>;

/** `<claim> (<Title>, <URL>; …)`: what a page says, then where to read it. */
export function basis(claim: string, ...pages: LearnPage[]): string {
  return pages.length === 0 ? claim : `${claim} (${pages.map((p) => `${p.title}, ${p.url}`).join('; ')})`;
}

/** A claim no public page states: said so, with the page closest to it when there is one. */
export function inference(claim: string, ...related: LearnPage[]): string {
  return basis(`Inference: ${claim}`, ...related);
}
