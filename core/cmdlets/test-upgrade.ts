/** Test-MfaServerUpgrade: is the upgrade done? Also the detection rule for Intune / ConfigMgr (-Detection). */
import { Type } from '@sinclair/typebox';
import { defineOperation } from './contract/contract';
import { ServerTargetParameters, ThrottleLimitParameter, targetOf } from './contract/target-parameters';
import { openTargetHostsOfItems } from '../host/open-targets';
import { verifyServers } from '../upgrade';
import { WebTierParameters, webTierOptions } from './contract/webtier-parameters';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    ThrottleLimit: ThrottleLimitParameter,
    ...WebTierParameters,
    Detection: Type.Optional(
      Type.Boolean({
        description: 'Detection-rule mode for Intune and ConfigMgr: writes exactly one line when every server is upgraded and nothing otherwise; never ' +
          'writes an error.',
      }),
    ),
  },
  { additionalProperties: false },
);

const Check = Type.Object({ Name: Type.String(), Passed: Type.Boolean(), Detail: Type.String() });
const Output = Type.Union([
  Type.Object({
    ComputerName: Type.String(),
    IsUpgraded: Type.Boolean(),
    MfaServerVersion: Type.Union([Type.String(), Type.Null()]),
    Checks: Type.Array(Check),
    Failed: Type.Array(Type.String()),
  }),
  Type.String(),
]);

export const testUpgradeOperation = defineOperation({
  name: 'test-upgrade',
  cmdlet: 'Test-MfaServerUpgrade',
  synopsis: 'Verifies that a server has been upgraded from PhoneFactor Agent to MFA Server.',
  description: [
    'Checks the end state: MFA Server is installed, no PhoneFactor-era component is left, the data file is present, each web',
    'component is installed under an IIS application with its web.config, and every Web Service SDK URL in the web.configs',
    'points at an SDK virtual directory that exists. With -WebTier, also every endpoint of the server (the SDK, portal and mobile app it',
    'serves and the SDK URLs its consumers use) must answer as Test-MfaWebTier expects: one WebTier check per endpoint, probed from this',
    'machine; a failing one makes IsUpgraded false. Outputs one object per server with IsUpgraded and each check.',
    'With -Detection it follows the Intune / ConfigMgr detection-script contract: exactly one line on the output when',
    'upgraded, nothing otherwise, nothing on the error stream, so the script exits 0 in both cases; with -WebTier also nothing when the',
    'web tier fails.',
  ].join(' '),
  examples: [
    { title: 'Verify a server', code: 'Test-MfaServerUpgrade | Select-Object -ExpandProperty Checks', remarks: 'Lists every check with its result.' },
    {
      title: 'Detection rule',
      code: 'Test-MfaServerUpgrade -Detection',
      remarks: 'Use as the detection script of an Intune Win32 app or a ConfigMgr application.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.Verification',
  outputModes: [{ parameter: 'Detection', outputType: 'System.String' }],
  view: { table: [{ property: 'ComputerName', width: 15 }, 'IsUpgraded', { property: 'MfaServerVersion', width: 10, label: 'Version' }, 'Failed'] },
  batching: 'batch',
  links: ['Invoke-MfaServerUpgrade'],
  handler: async (items, ctx) => {
    const detection = items.some((i) => i.Detection === true);
    try {
      // The servers are opened (remote sessions, module copies) at most -ThrottleLimit at once.
      const hosts = await openTargetHostsOfItems(items.map(targetOf), items[0]?.ThrottleLimit);
      const webTier = await webTierOptions(items.find((i) => i.WebTier === true) ?? {});
      // Detection writes nothing but its one line: the probes' warnings stay out of it.
      const results = await verifyServers(hosts, { webTier, warn: (m) => (detection ? undefined : ctx.log('warning', m)) });
      if (!detection) return results.map((r) => ({ ...r, Failed: r.Checks.filter((c) => !c.Passed).map((c) => c.Name) }));
      if (results.length === 0 || !results.every((r) => r.IsUpgraded)) return [];
      return [`Upgraded to MFA Server: ${results.map((r) => `${r.ComputerName} ${r.MfaServerVersion ?? ''}`.trim()).join(', ')}`];
    } catch (e) {
      // Detection scripts must stay silent on STDERR: "cannot tell" reads as "not upgraded".
      if (detection) return [];
      throw e;
    }
  },
});
