/**
 * Merge-MfaWebConfig: carry the old (backed-up) portal / mobile-app web.config into the new default one.
 * The merge rules live in core/webconfig; this file reads the files, writes atomically with a timestamped copy first,
 * and describes the write as one action so -WhatIf lists every change.
 */
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { SECRET_RULE_EXAMPLES } from '../util/secrets';
import { TargetParameters, targetOf } from './contract/target-parameters';
import { mergeWebConfigFile } from '../merge/index';

const Input = Type.Object(
  {
    Path: PathParameter('The NEW web.config (written by the MFA Server installer) that receives the old settings.', {
      pipeline: true,
      aliases: ['WebConfigPath', 'FullName'],
      position: 0,
    }),
    ReferencePath: PathParameter('The OLD web.config, backed up before the upgrade, whose settings are carried over.', {
      pipeline: true,
      aliases: ['BackupWebConfigPath'],
      position: 1,
    }),
    WebServiceSdkUrl: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'The new Web Service SDK URL (absolute http or https, host name as on the SDK certificate). Without it the old URL ' +
          'is carried over unchanged.',
        'x-mfa': { pipeline: true, aliases: ['SdkUrl'] },
      }),
    ),
    BasePath: Type.Optional(
      PathParameter('The untouched default web.config of the OLD version: enables a three-way merge of other changed defaults.', { pipeline: true }),
    ),
    ...TargetParameters,
  },
  { additionalProperties: false },
);

const Output = Type.Object({
  Path: Type.String(),
  Section: Type.String(),
  Name: Type.String(),
  Action: StringEnum(['Updated', 'Added', 'Unchanged', 'OnlyInNew', 'Conflict', 'Review']),
  OldValue: Type.Union([Type.String(), Type.Null()]),
  NewValue: Type.Union([Type.String(), Type.Null()]),
  IsSdkUrl: Type.Boolean(),
  Detail: Type.Union([Type.String(), Type.Null()]),
  BackupPath: Type.Union([Type.String(), Type.Null()]),
});

export const mergeWebConfigOperation = defineOperation({
  name: 'merge-webconfig',
  cmdlet: 'Merge-MfaWebConfig',
  synopsis: 'Carries the settings of an old PhoneFactor-era web.config into the new MFA Server web.config.',
  description: [
    'Copies every appSettings entry and every applicationSettings value (including the Web Service SDK URL) from the',
    'backed-up web.config (-ReferencePath) into the new default web.config (-Path): updates keys that exist, adds keys the',
    'new file lacks in the same section with the file\'s own indentation and line endings, and reports keys that exist',
    'only in the new file. With -BasePath (the old version\'s untouched default web.config) other changed defaults such as',
    'customErrors or httpRuntime are carried over too, and true conflicts are reported instead of guessed.',
    'Everything that is not edited stays byte-identical. Before writing, a timestamped copy of the target is kept beside',
    'it, then the file is replaced atomically. Running the same merge again changes nothing.',
    'The merge follows what .NET reads: appSettings and settings groups at the top level or in a <location> for the',
    'application itself (no path, or path="."), <clear/> and <remove>, a repeated key (the last one counts), and files',
    'named by file= or configSource=. Old values kept in such files beside the old web.config are carried (Detail names',
    'the file); a value the new web.config takes from such a file is not written inline, where it would not take effect:',
    'it is reported as Review with the file and key to edit by hand.',
    'Encrypted sections cannot be merged: decrypt them with aspnet_regiis -pdf first and re-encrypt with -pef after.',
    'Secret values are shown as ******** followed by a short tag that is equal for equal values within one run, so a',
    'change stays visible; they are never logged. A value is secret by its NAME (a word part password, pwd, pass,',
    'secret or credential, or a word for password in another language such as Kennwort, mot de passe, contrasena,',
    'senha, wachtwoord, losenord or haslo (accents ignored; Cyrillic, Chinese, Japanese and Korean too), also inside a',
    'compound word; or a last word key or token) or by its',
    'CONTENT (Password=, Pwd=, AccountKey=, SharedAccessKey=, sig=, user:password@ ...). Any other value is shown with',
    'the secrets read from the files masked wherever they appear inside it (the SDK password in a redirect URL, also',
    'percent-encoded). Only values are masked, never names or paths. Tested examples:',
  ].join(' ') + SECRET_RULE_EXAMPLES.map((r) => `\n    ${r.secret ? 'secret    ' : 'not secret'}  ${r.name} = ${r.value}  (${r.why})`).join(''),
  examples: [
    {
      title: 'Merge the backed-up portal settings into the new User portal',
      code: "Merge-MfaWebConfig -Path 'C:\\inetpub\\wwwroot\\MultiFactorAuth\\web.config' -ReferencePath 'D:\\Backup\\PhoneFactor\\web.config' " +
        "-WebServiceSdkUrl 'https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx'",
      remarks: 'Writes a timestamped copy of the new web.config beside it, then the merged file. Outputs one object per setting.',
    },
    {
      title: 'See what would change',
      code: "Merge-MfaWebConfig -Path .\\new\\web.config -ReferencePath .\\old\\web.config -WhatIf",
      remarks: 'Lists every change without writing anything.',
    },
    {
      title: 'Merge a farm of web servers from a CSV',
      code: "Import-Csv .\\webservers.csv | Merge-MfaWebConfig -Confirm:$false",
      remarks: 'The CSV has Path and ReferencePath columns (and optionally WebServiceSdkUrl); each row is merged as it is read.',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.WebConfigChange',
  view: {
    groupBy: 'Path',
    table: ['Action', { property: 'Name', width: 28 }, { property: 'OldValue', width: 18 }, 'NewValue'],
  },
  changesState: { confirmImpact: 'Medium' },
  links: ['Get-PhoneFactorComponent', 'Backup-PhoneFactor'],
  handler: perItem((item, ctx) =>
    mergeWebConfigFile(
      { target: targetOf(item), path: item.Path, referencePath: item.ReferencePath, basePath: item.BasePath, webServiceSdkUrl: item.WebServiceSdkUrl },
      ctx,
    ),
  ),
});
