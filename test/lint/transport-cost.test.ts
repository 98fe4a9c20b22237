// The transport (ps-module/src/*.ps1) and the cmdlets generated around it run in every call of every cmdlet, where a
// warm call costs a few milliseconds (issue 29, bench/warm-call.ps1). Two PowerShell idioms there cost far more than
// they look: `New-Object` of a generic type resolves the type name from text on every call (~0.6 ms against ~0.04 ms
// for `[type]::new()`), and a `| Where-Object` / `| ForEach-Object` pipeline costs ~0.4 ms where a foreach costs
// ~0.1 ms. Measured: they were half of the PowerShell side of a warm `Merge-MfaWebConfig -WhatIf`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../helpers/pwsh';

const sources = [
  ...readdirSync(path.join(repoRoot, 'ps-module', 'src'))
    .filter((f) => f.endsWith('.ps1'))
    .map((f) => path.join(repoRoot, 'ps-module', 'src', f)),
  path.join(repoRoot, 'ps-module', 'MfaServerUpgrade', 'MfaServerUpgrade.psm1'),
];

const COSTLY = [
  { idiom: 'New-Object of a generic type (use [type]::new())', pattern: /New-Object\s+['"]?[\w.]+\[/i },
  { idiom: 'a Where-Object / ForEach-Object pipeline (use foreach)', pattern: /\|\s*(Where-Object|ForEach-Object|where|foreach|%|\?)\s*\{/i },
];

/** The code of a line: what precedes a comment (a # that starts the line or follows a blank). */
const codeOf = (line: string) => line.replace(/(^|\s)#.*$/, '');
/** Block comments (the cmdlets' help, whose examples are the caller's code) blanked, lines kept. */
const withoutBlockComments = (text: string) => text.replace(/<#[\s\S]*?#>/g, (block) => block.replace(/[^\n]/g, ''));

test('the transport and the generated cmdlets use no costly idiom in their code', () => {
  const found: string[] = [];
  for (const file of sources) {
    withoutBlockComments(readFileSync(file, 'utf8'))
      .split(/\r?\n/)
      .forEach((line, i) => {
        for (const { idiom, pattern } of COSTLY) {
          if (pattern.test(codeOf(line))) found.push(`${path.relative(repoRoot, file)}:${i + 1}: ${idiom}: ${line.trim()}`);
        }
      });
  }
  assert.deepEqual(found, []);
});
