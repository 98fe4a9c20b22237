/**
 * -WebTier and -TrustedCertificatePath, declared once for Test-MfaUpgradeReadiness, Invoke-MfaServerUpgrade and
 * Test-MfaServerUpgrade (opt-in: the probes open network connections from this machine), and -TrustedCertificatePath
 * for Test-MfaWebTier too.
 */
import { readFile } from 'node:fs/promises';
import { Type } from '@sinclair/typebox';
import { CoreError } from '../../util/errors';

export const DEFAULT_PROBE_TIMEOUT_SECONDS = 10;

export const TrustedCertificatePathParameter = Type.Optional(
  Type.String({
    minLength: 1,
    pattern: '\\S',
    description: 'A PEM file of CA certificates to trust besides this machine\'s own (node\'s bundled roots): a private CA that issued the SDK ' +
      'certificate, or the tests\' own CA.',
    'x-mfa': { path: true },
  }),
);

export const WebTierParameters = {
  WebTier: Type.Optional(
    Type.Boolean({
      description: 'Also probe the web tier from this machine, as Test-MfaWebTier does (DNS, TCP, TLS, the credential prompt of PfWsSdk.asmx, the ' +
        'service account, TestPfWsSdkConnection): one WebTier result per SDK, portal and mobile app endpoint the servers serve or their consumers use.',
    }),
  ),
  TrustedCertificatePath: TrustedCertificatePathParameter,
};

/** The probe options of -WebTier, or undefined when the web tier is not to be probed. */
export async function webTierOptions(item: { WebTier?: boolean; TrustedCertificatePath?: string }, timeoutSeconds = DEFAULT_PROBE_TIMEOUT_SECONDS) {
  if (item.WebTier !== true) return undefined;
  const trusted = item.TrustedCertificatePath ? [await readTrusted(item.TrustedCertificatePath)] : undefined;
  return { timeoutMs: timeoutSeconds * 1000, trusted };
}

export async function readTrusted(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new CoreError('InvalidParameter', `-TrustedCertificatePath '${path}' cannot be read (${e.code ?? e.message}).`, 'TrustedCertificatePath');
  });
  if (!/-----BEGIN CERTIFICATE-----/.test(text)) {
    const why = 'holds no PEM certificate (-----BEGIN CERTIFICATE-----)';
    throw new CoreError('InvalidParameter', `-TrustedCertificatePath '${path}' ${why}.`, 'TrustedCertificatePath');
  }
  return text;
}
