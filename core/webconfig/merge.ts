/**
 * mergeWebConfig: carry an old web.config's settings into a new default one, as text edits on the new file.
 * All checks run on all inputs before anything is built, so bad input throws a CoreError and never yields a
 * partial result. The merged text is parsed again before it is returned, with the same model of what .NET reads
 * (config-model.ts): a section twice, or a group twice, is refused there as .NET refuses it.
 */
import { internalError } from './errors';
import { loadWebConfig } from './config-model';
import { TextEditor } from './editor';
import { encodeWebConfig } from './encoding';
import { mergeAppSettings } from './merge-app-settings';
import { mergeApplicationSettings } from './merge-application-settings';
import type { MergeContext } from './merge-context';
import { mergeOtherSections } from './merge-other-sections';
import type { MergeInput, MergeOptions, MergeResult } from './types';

export function mergeWebConfig(target: MergeInput, reference: MergeInput, options: MergeOptions = {}): MergeResult {
  const targetConfig = loadWebConfig(target, true, options.targetExternal);
  const referenceConfig = loadWebConfig(reference, true, options.referenceExternal);
  const baseConfig = options.base && loadWebConfig(options.base, false);
  const ctx: MergeContext = {
    target: targetConfig,
    reference: referenceConfig,
    base: baseConfig,
    editor: new TextEditor(targetConfig.doc),
    changes: [],
    options,
  };
  mergeAppSettings(ctx);
  mergeApplicationSettings(ctx);
  mergeOtherSections(ctx);

  if (!ctx.editor.hasEdits) return { changes: ctx.changes, output: Buffer.from(target.bytes), changed: false };
  const output = encodeWebConfig(targetConfig.doc.file, ctx.editor.apply());
  try {
    loadWebConfig({ path: target.path, bytes: output }, true, options.targetExternal);
  } catch {
    throw internalError(target.path, 'the merged text did not read back as a valid web.config');
  }
  return { changes: ctx.changes, output, changed: !output.equals(target.bytes) };
}
