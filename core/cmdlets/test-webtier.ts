/** Test-MfaWebTier: do the SDK, portal and mobile app endpoints answer, and with what failure (core/webtier/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf, type TargetInput } from './contract/target-parameters';
import { openTargetHosts } from '../host/open-targets';
import { PROBE_RESULTS, testWebTier, type WebTierCheck } from '../webtier/index';
import { DEFAULT_PROBE_TIMEOUT_SECONDS, readTrusted, TrustedCertificatePathParameter } from './contract/webtier-parameters';
import { showSetting } from '../util/secrets';
import type { OperationContext } from '../util/operation-context';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    Path: Type.Optional(
      Type.Array(Type.String({ minLength: 1, pattern: '\\S' }), {
        minItems: 1,
        description: 'More files that call the SDK (as Get-MfaSdkConsumer -Path): their URLs are probed with the service account they hold.',
        'x-mfa': { path: true },
      }),
    ),
    Url: Type.Optional(
      Type.Array(Type.String({ minLength: 1, pattern: '^[hH][tT][tT][pP][sS]?://' }), {
        minItems: 1,
        description: 'More endpoints to probe, without credentials: a URL naming PfWsSdk.asmx is checked as the SDK, PfPaWs.asmx as the mobile app web ' +
          'service, any other as a portal page.',
      }),
    ),
    TrustedCertificatePath: TrustedCertificatePathParameter,
    TimeoutSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 300, description: 'How long each connection, handshake and answer may take (default 10).' }),
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const Output = Type.Object({
  ComputerName: Type.String(),
  LabPath: Nullable(Type.String()),
  Role: StringEnum(['Sdk', 'MobileApp', 'Portal']),
  Url: Type.String(),
  Source: Type.String(),
  Result: StringEnum(PROBE_RESULTS),
  Problems: Type.Array(StringEnum(PROBE_RESULTS)),
  Address: Nullable(Type.String()),
  HttpStatus: Type.Union([Type.Integer(), Type.Null()]),
  CertificateSubject: Nullable(Type.String()),
  CertificateNames: Type.Array(Type.String()),
  CertificateNotAfter: Nullable(Type.String()),
  Detail: Type.String(),
});

export const testWebTierOperation = defineOperation({
  name: 'test-webtier',
  cmdlet: 'Test-MfaWebTier',
  synopsis: 'Checks that the Web Service SDK, user portal and mobile app web service endpoints answer, and names the failure.',
  description: [
    'Probes, from this machine, every SDK URL a consumer uses (Get-MfaSdkConsumer), the SDK, portal and mobile app web service IIS serves',
    'on each target, and the URLs given with -Url: the name resolves (DnsFailed), a connection opens (Refused, TimedOut), the TLS',
    'certificate is trusted, current and names the URL\'s host (TlsUntrusted, TlsExpired, TlsNameMismatch), and the page answers as',
    'Microsoft\'s manual check expects: PfWsSdk.asmx asks for credentials without them (HTTP 401) and answers the service account read',
    'from the consumer\'s file (CredentialsRejected otherwise); PfPaWs.asmx answers the SOAP call TestPfWsSdkConnection, which changes',
    'nothing; a portal page answers. An ASP.NET error page is AspNetError with its title; anything else UnexpectedAnswer. One object per',
    'endpoint: Result is the first problem found (Passed when none), Problems all of them. The password is sent only in the',
    'Authorization header of that one request and never shown or logged.',
  ].join(' '),
  examples: [
    {
      title: 'The web tier of a server',
      code: 'Test-MfaWebTier -ComputerName MFA01, WEB01 | Format-Table Role, Url, Result, Detail',
      remarks: 'Probes run from this machine.',
    },
    {
      title: 'An SDK behind a private CA',
      code: "Test-MfaWebTier -Url 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx' -TrustedCertificatePath .\\contoso-root.pem",
      remarks: 'Checks DNS, TCP, the certificate and the credential prompt.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.WebTierCheck',
  view: { groupBy: 'ComputerName', table: ['Role', 'Result', { property: 'Url', width: 30 }, 'Detail'] },
  links: ['Get-MfaSdkConsumer', 'Test-MfaUpgradeReadiness'],
  handler: perItem(async (item, ctx: OperationContext) => {
    const trusted = item.TrustedCertificatePath ? [await readTrusted(item.TrustedCertificatePath)] : undefined;
    const hosts = (item.Path || item.Url) && !hasTarget(item) ? [] : await openTargetHosts(targetOf(item));
    const options = { timeoutMs: (item.TimeoutSeconds ?? DEFAULT_PROBE_TIMEOUT_SECONDS) * 1000, trusted };
    const checks = await testWebTier(hosts, { paths: item.Path, urls: item.Url, options }, (m) => ctx.log('warning', m));
    return checks.map(row);
  }),
});

const hasTarget = (t: TargetInput) => t.LabPath !== undefined || t.ComputerName !== undefined || t.Session !== undefined;

function row(c: WebTierCheck) {
  const cert = c.outcome.certificate;
  return {
    ComputerName: c.computerName,
    LabPath: c.labPath,
    Role: c.role,
    Url: showSetting('Url', c.url),
    Source: c.source,
    Result: c.outcome.result,
    Problems: c.outcome.problems,
    Address: c.outcome.address,
    HttpStatus: c.outcome.status,
    CertificateSubject: cert?.subject ?? null,
    CertificateNames: cert?.names ?? [],
    CertificateNotAfter: cert?.notAfter ?? null,
    Detail: showSetting('Detail', c.outcome.detail),
  };
}
