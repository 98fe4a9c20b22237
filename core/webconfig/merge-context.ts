/** What every merge rule works with: both files, the editor on the target, and the list of changes being built. */
import type { WebConfig } from './config-model';
import type { TextEditor } from './editor';
import type { MergeChange, MergeOptions } from './types';

export interface MergeContext {
  target: WebConfig;
  reference: WebConfig;
  base?: WebConfig;
  editor: TextEditor;
  changes: MergeChange[];
  options: MergeOptions;
}
