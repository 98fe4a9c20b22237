/** New-MfaLab: a simulated PhoneFactor server (or several) in a folder, to rehearse an upgrade on. */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract';
import { PathParameter, StringEnum } from './schema-helpers';
import { createLab, LAB_SCENARIOS } from '../host/lab/scenarios';

const Input = Type.Object(
  {
    Path: PathParameter('The folder to create the lab in. An existing lab is only replaced with -Force; a folder that is not a lab is never deleted.', { position: 0, pipeline: true }),
    Scenario: Type.Optional(
      StringEnum([...LAB_SCENARIOS], {
        description: 'SingleServer (default): Agent, User portal, Mobile App Web Service and SDK on one server. SeparateWebServer: MFA01 (Agent + SDK) and WEB01 (portal + mobile app). AgentOnly. CustomNames: non-default vdirs and install path.',
        'x-mfa': { pipeline: true },
      }),
    ),
    Force: Type.Optional(Type.Boolean({ description: 'Replace an existing lab at Path.' })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  LabPath: Type.String(),
  ComputerName: Type.String(),
  InstallerPath: Type.Union([Type.String(), Type.Null()]),
  Scenario: Type.String(),
});

export const newLabOperation = defineOperation({
  name: 'new-lab',
  cmdlet: 'New-MfaLab',
  synopsis: 'Creates a simulated PhoneFactor Agent 5.x server (or several) in a folder, to rehearse an upgrade on.',
  description: [
    'Builds a lab server: drive C: is the folder C under the lab server folder (drop copies of your real Phonefactor.pfdata',
    'or web.config files there), the registry is a regedit export (registry.reg, both 64-bit and 32-bit views), IIS is a',
    'real-format applicationHost.config, and the installer media (real MSI databases) sit in C:\\Media\\MfaServer.',
    'Outputs one object per lab server; pipe them into any other cmdlet of the module (LabPath and InstallerPath bind by name).',
  ].join(' '),
  examples: [
    { title: 'Rehearse on a single server', code: 'New-MfaLab -Path .\\lab | Get-PhoneFactorComponent', remarks: 'Creates the lab and lists what is installed on it.' },
    { title: 'A separate web server', code: 'New-MfaLab -Path .\\lab2 -Scenario SeparateWebServer -Force', remarks: 'Creates MFA01 and WEB01 under .\\lab2.' },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.LabServer',
  view: ['ComputerName', 'Scenario', 'LabPath', 'InstallerPath'],
  changesState: { confirmImpact: 'Low' },
  links: ['Get-PhoneFactorComponent', 'Invoke-MfaServerUpgrade'],
  handler: perItem(async (item, ctx) => {
    const scenario = item.Scenario ?? 'SingleServer';
    const made = await ctx.act(
      { id: `lab:${item.Path.toLowerCase()}`, target: item.Path, description: `Create a ${scenario} lab${item.Force ? ' (replacing an existing lab)' : ''}` },
      () => createLab(item.Path, scenario, { force: item.Force === true }),
    );
    return made ?? [];
  }),
});
