/**
 * Merge-MfaWebConfig: carry the old (backed-up) portal / mobile-app web.config into the new default one.
 * The merge rules live in core/webconfig; this file reads the files, writes atomically with a timestamped copy first,
 * and describes the write as one action so -WhatIf lists every change.
 */
import { promises as fs, constants, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineOperation, perItem } from './contract/contract';
import type { OperationContext } from '../util/operation-context';
import { PathParameter, StringEnum } from './contract/schema-helpers';
import { mergeWebConfig, type MergeChange } from '../webconfig/index';
import { CoreError } from '../util/errors';
import { SECRET_RULE_EXAMPLES } from '../util/secrets';
import { fileError, isReadOnlyFile, timestamp, writeFileAtomic } from '../util/atomic-write';
import { TargetParameters, targetOf } from './contract/target-parameters';
import { resolveFileTarget } from '../host/open-targets';

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
      title: 'Merge a farm of web servers from a CSV in one call',
      code: "Import-Csv .\\webservers.csv | Merge-MfaWebConfig -Confirm:$false",
      remarks: 'The CSV has Path and ReferencePath columns (and optionally WebServiceSdkUrl).',
    },
  ],
  input: Input,
  output: Output,
  outputTypeName: 'MfaServerUpgrade.WebConfigChange',
  view: ['Section', 'Name', 'Action', 'OldValue', 'NewValue'],
  changesState: { confirmImpact: 'Medium' },
  links: ['Get-PhoneFactorComponent', 'Backup-PhoneFactor'],
  handler: perItem(mergeOne),
});

async function mergeOne(item: typeof Input.static, ctx: OperationContext) {
  if (item.WebServiceSdkUrl !== undefined) assertAbsoluteHttpUrl(item.WebServiceSdkUrl);
  const targetPath = await resolveFileTarget(targetOf(item), item.Path);
  const referencePath = await resolveFileTarget(targetOf(item), item.ReferencePath);
  const basePath = item.BasePath === undefined ? undefined : await resolveFileTarget(targetOf(item), item.BasePath);

  const target = { path: targetPath, bytes: await readInput(targetPath, 'Path'), parameter: 'Path' };
  const reference = { path: referencePath, bytes: await readInput(referencePath, 'ReferencePath'), parameter: 'ReferencePath' };
  const base = basePath === undefined ? undefined : { path: basePath, bytes: await readInput(basePath, 'BasePath'), parameter: 'BasePath' };
  const merged = mergeWebConfig(target, reference, {
    webServiceSdkUrl: item.WebServiceSdkUrl,
    base,
    targetExternal: besideReader(targetPath),
    referenceExternal: besideReader(referencePath),
  });

  let backupPath: string | null = null;
  if (merged.changed) {
    const written = await ctx.act(
      { id: `write:${targetPath.toLowerCase()}`, target: targetPath, ...describeWrite(merged.changes) },
      () => writeMerged(targetPath, merged.output),
    );
    backupPath = written ?? null;
    if (written) ctx.log('info', `Merged ${countEdits(merged.changes)} setting(s) into ${targetPath}; previous file kept as ${written}`);
  } else {
    ctx.log('verbose', `${targetPath} already carries every setting of ${referencePath}: nothing to write.`);
  }
  return merged.changes.map((c: MergeChange) => ({ Path: targetPath, ...c, BackupPath: backupPath }));
}

function assertAbsoluteHttpUrl(value: string): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new CoreError(
      'InvalidSdkUrl',
      `-WebServiceSdkUrl '${value}' is not an absolute http or https URL (for example https://mfa01.contoso.com/MultiFactorAuthWebServiceSdk/PfWsSdk.asmx).`,
      'WebServiceSdkUrl',
    );
  }
}

async function readInput(file: string, parameter: string): Promise<Buffer> {
  try {
    return await fs.readFile(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EISDIR') {
      throw new CoreError(
        'NotAFile',
        `-${parameter} '${file}' is a folder, not a file: name the web.config file in it (for example ${path.join(file, 'web.config')}).`,
        file,
        { parameter },
      );
    }
    throw fileError(e, file);
  }
}

/**
 * Reads the files a web.config names with file=/configSource= (config-model.ts only asks for paths beside it). A file
 * that is missing or unreadable counts as not there: the merge then writes nothing that depends on it and says so.
 */
function besideReader(webConfig: string) {
  return (relative: string) => {
    const file = path.join(path.dirname(webConfig), relative.replace(/[\\/]/g, path.sep));
    try {
      return { path: file, bytes: readFileSync(file) };
    } catch {
      return { path: file, bytes: null };
    }
  };
}

const isEdit = (c: MergeChange) => c.Action === 'Updated' || c.Action === 'Added';
const countEdits = (changes: MergeChange[]) => changes.filter(isEdit).length;

function describeWrite(changes: MergeChange[]): { description: string; details: string[] } {
  const details = changes.filter(isEdit).map((c) => `${c.Action} ${c.Section}/${c.Name}: ${c.OldValue ?? '(none)'} -> ${c.NewValue ?? '(none)'}`);
  return { description: `Merge ${details.length} setting(s) into web.config`, details };
}

/** Keep a timestamped copy beside the target, then replace it atomically. Returns the copy's path. */
async function writeMerged(target: string, bytes: Buffer): Promise<string> {
  if (await isReadOnlyFile(target)) {
    throw new CoreError('TargetReadOnly', `${target} is read-only; clear the read-only attribute and run the merge again.`, target);
  }
  const copy = await keepTimestampedCopy(target);
  try {
    await writeFileAtomic(target, bytes);
  } catch (e) {
    await fs.rm(copy, { force: true });
    throw e;
  }
  return copy;
}

async function keepTimestampedCopy(target: string): Promise<string> {
  const stem = `${target}.${timestamp()}`;
  for (let n = 0; n < 100; n++) {
    const candidate = n === 0 ? `${stem}.bak` : `${stem}-${n}.bak`;
    try {
      await fs.copyFile(target, candidate, constants.COPYFILE_EXCL);
      return candidate;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(e, path.dirname(target));
    }
  }
  throw new CoreError('BackupCopyFailed', `Could not find a free name for the copy of ${target}`, target);
}
