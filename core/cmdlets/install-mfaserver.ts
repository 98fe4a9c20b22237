/** Install-MfaServer: installs MFA Server, or one of its web components, and verifies the result. */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { StringEnum } from './contract/schema-helpers';
import { ServerTargetParameters, targetOf } from './contract/target-parameters';
import { openTargetHost } from '../host/open-targets';
import { installComponent } from '../upgrade';

const Input = Type.Object(
  {
    ...ServerTargetParameters,
    InstallerPath: Type.String({
      minLength: 1,
      description: 'For MfaServer: the media folder with MultiFactorAuthenticationServerSetup.exe. For a web component: the folder holding its 32/64-bit ' +
        'MSIs (on an MFA server: its install folder).',
      'x-mfa': { pipeline: true },
    }),
    Component: Type.Optional(StringEnum(
      ['MfaServer', 'WebServiceSdk', 'UserPortal', 'MobileAppWebService'],
      { description: 'What to install (default MfaServer). Web components use the MSI of the target\'s bitness.' },
    )),
    VirtualDirectory: Type.Optional(Type.String({
      minLength: 1,
      description: 'The virtual directory of a web component (default: the installer\'s own, e.g. MultiFactorAuth). Needs an installer property for it; ' +
        'otherwise the install is refused with instructions for an interactive install.',
    })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  ComputerName: Type.String(),
  Component: Type.String(),
  InstallerPath: Type.String(),
  ExitCode: Type.Integer(),
  RebootRequired: Type.Boolean(),
  VirtualDirectory: Type.Union([Type.String(), Type.Null()]),
  InstallPath: Type.Union([Type.String(), Type.Null()]),
  LogPath: Type.String(),
});

export const installMfaServerOperation = defineOperation({
  name: 'install-mfaserver',
  cmdlet: 'Install-MfaServer',
  synopsis: 'Installs MFA Server or one of its web components (Web Service SDK, User portal, Mobile App Web Service).',
  description: [
    'MfaServer: checks that the setup program in -InstallerPath is MFA Server, runs it (it reuses the PhoneFactor install',
    'path from the registry and upgrades the data file), and verifies that the product is registered. Web components: picks',
    'the 32- or 64-bit MSI that matches the server, checks its ProductName before running it, installs it silently (with',
    'the requested virtual directory when the MSI has a property for it) and verifies that the product is registered and',
    'the virtual directory exists.',
  ].join(' '),
  examples: [
    {
      title: 'Install MFA Server',
      code: "Install-MfaServer -InstallerPath 'C:\\Media\\MfaServer' -Confirm:$false",
      remarks: 'Then install the SDK and portal with -Component.',
    },
    {
      title: 'Install the User portal under the old name',
      code: "Install-MfaServer -Component UserPortal -InstallerPath 'C:\\Program Files\\PhoneFactor' -VirtualDirectory PhoneFactor",
      remarks: 'Refused with instructions when the MSI offers no property for the virtual directory.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.InstallResult',
  view: {
    groupBy: 'ComputerName',
    table: [
      { property: 'Component', width: 19 }, { property: 'ExitCode', width: 8 }, { property: 'RebootRequired', width: 6, label: 'Reboot' },
      { property: 'VirtualDirectory', width: 24 }, 'InstallPath',
    ],
  },
  changesState: { confirmImpact: 'High' },
  timeoutSeconds: 3600,
  links: ['Uninstall-PhoneFactor', 'Invoke-MfaServerUpgrade'],
  handler: perItem(async (item, ctx) => {
    const host = await openTargetHost(targetOf(item));
    const request = { host, installerPath: item.InstallerPath, component: item.Component ?? 'MfaServer', virtualDirectory: item.VirtualDirectory };
    const installed = await installComponent(request, ctx);
    return installed ? [installed] : [];
  }),
});
