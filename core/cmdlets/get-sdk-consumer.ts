/** Get-MfaSdkConsumer: every file on the servers that calls the Web Service SDK, and what the upgrade does to it (core/webtier/). */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf, type TargetInput } from './contract/target-parameters';
import { openTargetHosts } from '../host/open-targets';
import { CONSUMER_EFFECTS, CONSUMER_KINDS, consumerRow, findSdkConsumers } from '../webtier/index';
import type { OperationContext } from '../util/operation-context';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    Path: Type.Optional(
      Type.Array(Type.String({ minLength: 1, pattern: '\\S' }), {
        minItems: 1,
        description: 'More files that call the SDK (a line-of-business application\'s config, a script), besides those found: on a server or lab a ' +
          'Windows path there (C:\\...); without -LabPath, -ComputerName or -Session, files of this machine. XML files are read structurally, ' +
          'others line by line.',
        'x-mfa': { path: true },
      }),
    ),
    VirtualDirectoryNaming: Type.Optional(
      StringEnum(['New', 'Legacy'], {
        description: 'The naming the upgrade will use (as Invoke-MfaServerUpgrade): New (default) renames the SDK\'s virtual directory, which breaks ' +
          'every URL naming the old one; Legacy keeps it.',
      }),
    ),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  ComputerName: Type.String(),
  LabPath: Type.Union([Type.String(), Type.Null()]),
  Kind: StringEnum(CONSUMER_KINDS),
  File: Type.String(),
  Setting: Type.String(),
  Url: Type.String(),
  NewUrl: Type.Union([Type.String(), Type.Null()]),
  Effect: Type.Array(StringEnum(CONSUMER_EFFECTS)),
  Detail: Type.String(),
});

export const getSdkConsumerOperation = defineOperation({
  name: 'get-sdk-consumer',
  cmdlet: 'Get-MfaSdkConsumer',
  synopsis: 'Lists every file on the servers that calls the Web Service SDK, and what the planned upgrade does to each URL.',
  description: [
    'Reads the web.config of every application of every IIS site (applicationHost.config; not only the MFA applications), the AD FS',
    'adapter\'s MultiFactorAuthenticationAdfsAdapter.config (WebServiceSdkUrl) in the install folder, Microsoft Identity Manager\'s',
    'MfaSettings.xml (LOCMFASRV) and the files given with -Path, and outputs one object per setting that names PfWsSdk.asmx: the file,',
    'the setting, the URL, and Effect: Unchanged, BrokenByRename (the SDK\'s virtual directory is renamed; NewUrl is the URL after the',
    'upgrade), IpAddress (an IP address never matches the SDK certificate), HostNotBound (the URL\'s scheme, port and host are no binding',
    'of the site serving the SDK). The certificate bound to the SDK site is not in the IIS configuration: Detail says so, and',
    'Test-MfaWebTier checks the URL\'s host against the certificate the server presents. The file locations of the AD FS adapter config',
    'and of MfaSettings.xml are inferred (README). Give all servers at once (a lab\'s folder, or several -ComputerName) so a consumer on one',
    'server is judged against the SDK site on another. Passwords in those files are never shown. Nothing is changed.',
  ].join(' '),
  examples: [
    {
      title: 'Every consumer of a lab',
      code: 'Get-MfaSdkConsumer -LabPath .\\lab | Format-Table ComputerName, Kind, Setting, Effect',
      remarks: 'Every server of the lab, judged together.',
    },
    {
      title: 'The SDK server, the web server and the AD FS server together',
      code: 'Get-MfaSdkConsumer -ComputerName MFA01, WEB01, ADFS01 | Where-Object Effect -ne Unchanged',
      remarks: 'What the upgrade with -VirtualDirectoryNaming New breaks, and where.',
    },
    {
      title: 'A file found by hand',
      code: "Get-MfaSdkConsumer -ComputerName APP01 -Path 'D:\\Apps\\Timesheets\\appsettings.xml'",
      remarks: 'A path on APP01, read besides the files found.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.SdkConsumer',
  view: { groupBy: 'ComputerName', table: ['Kind', { property: 'Setting', width: 22 }, { property: 'Effect', width: 16 }, 'Url'] },
  links: ['Test-MfaWebTier', 'Get-MfaUpgradePlan'],
  handler: perItem(async (item, ctx: OperationContext) => {
    const hosts = item.Path && !hasTarget(item) ? [] : await openTargetHosts(targetOf(item));
    const consumers = await findSdkConsumers(hosts, { paths: item.Path, naming: item.VirtualDirectoryNaming ?? 'New' }, (m) => ctx.log('warning', m));
    return consumers.map(consumerRow);
  }),
});

const hasTarget = (t: TargetInput) => t.LabPath !== undefined || t.ComputerName !== undefined || t.Session !== undefined;
