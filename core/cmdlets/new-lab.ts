/** New-MfaLab: a simulated PhoneFactor server (or several) in a folder, to rehearse an upgrade on. */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { createLab } from '../host/lab/scenarios';
import { LAB_SCENARIOS } from '../host/lab/lab-file';
import { createLabFromBackups } from '../backup/index';
import { CoreError } from '../util/errors';

const Input = Type.Object(
  {
    Path: PathParameter(
      'The folder to create the lab in. An existing lab is only replaced with -Force; a folder that is not a lab is never deleted.',
      { position: 0, pipeline: true },
    ),
    Scenario: Type.Optional(
      StringEnum([...LAB_SCENARIOS], {
        description: 'SingleServer (default): Agent, User portal, Mobile App Web Service and SDK on one server. SeparateWebServer: MFA01 (Agent + SDK) and ' +
          'WEB01 (portal + mobile app). AgentOnly. CustomNames: non-default vdirs and install path. SdkConsumers: MFA01 as SingleServer and ' +
          'APP01 with other callers of the SDK (an IIS application in its own site on port 8443, the AD FS adapter config, MIM\'s MfaSettings.xml). ' +
          'SingleServer variants: CachedPackageOnly (the original PhoneFactor installers were deleted; only Windows Installer\'s cached packages ' +
          'remain, without their cabinets), NoCachedPackage (neither remains), ActivationFails (MFA Server asks for activation and cannot get it: ' +
          'the upgrade pauses at activation).',
        'x-mfa': { pipeline: true },
      }),
    ),
    FromBackup: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description:
          'Backup folder(s) made by Backup-PhoneFactor (or Invoke-MfaServerUpgrade): the lab reproduces the server each backup came from (computer name, ' +
            'installed products and versions, product registry key, IIS sites, applications and folders with their custom names, web.configs, themes, data ' +
            'file), one server per backup, so the exact upgrade can be rehearsed offline. What a backup does not hold is made up and listed in Notes and ' +
            'README.txt. Each backup is verified first. Not with -Scenario.',
        'x-mfa': { path: true },
      }),
    ),
    Force: Type.Optional(Type.Boolean({
      description: 'Replace an existing lab at Path (one New-MfaLab made): only what the lab made goes. Files you added or changed, beside the lab or ' +
        'anywhere on its drives (C\\...), are put back into the new lab with the same bytes; backups and run folders under it stay too.',
    })),
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  LabPath: Type.String(),
  ComputerName: Type.String(),
  InstallerPath: Type.Union([Type.String(), Type.Null()]),
  Scenario: Type.String(),
  Notes: Type.Array(Type.String()),
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
    {
      title: 'Rehearse on a single server',
      code: 'New-MfaLab -Path .\\lab | Get-PhoneFactorComponent',
      remarks: 'Creates the lab and lists what is installed on it.',
    },
    { title: 'A separate web server', code: 'New-MfaLab -Path .\\lab2 -Scenario SeparateWebServer -Force', remarks: 'Creates MFA01 and WEB01 under .\\lab2.' },
    {
      title: 'Rehearse the upgrade of your own server from its backup',
      code: "New-MfaLab -Path .\\rehearsal -FromBackup 'D:\\MfaBackup\\PhoneFactorBackup-MFA01-20260101-020000' | Invoke-MfaServerUpgrade -BackupDestination " +
        ".\\rehearsal-backups -Confirm:$false",
      remarks: 'The lab has your server\'s name, products, vdirs, web.configs, themes and data file; Notes lists what the backup did not hold.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.LabServer',
  view: { table: [{ property: 'ComputerName', width: 13 }, { property: 'Scenario', width: 17 }, { property: 'InstallerPath', width: 20 }, 'LabPath'] },
  changesState: { confirmImpact: 'Low' },
  links: ['Get-PhoneFactorComponent', 'Invoke-MfaServerUpgrade'],
  handler: perItem(async (item, ctx) => {
    if (item.FromBackup) {
      if (item.Scenario !== undefined) throw new CoreError('InvalidParameter', '-FromBackup builds the lab from the backups; leave -Scenario out.', 'Scenario');
      const backups = item.FromBackup;
      const made = await ctx.act(
        {
          id: `lab:${item.Path.toLowerCase()}`,
          target: item.Path,
          description: `Create a lab from the backup(s) ${backups.join(', ')}${item.Force ? ' (replacing an existing lab)' : ''}`,
        },
        () => createLabFromBackups(item.Path, backups, { force: item.Force === true }),
      );
      for (const s of made ?? []) for (const n of s.Notes) ctx.log('warning', `${s.ComputerName}: ${n}`);
      return made ?? [];
    }
    const scenario = item.Scenario ?? 'SingleServer';
    const made = await ctx.act(
      { id: `lab:${item.Path.toLowerCase()}`, target: item.Path, description: `Create a ${scenario} lab${item.Force ? ' (replacing an existing lab)' : ''}` },
      () => createLab(item.Path, scenario, { force: item.Force === true }),
    );
    return made ?? [];
  }),
});
