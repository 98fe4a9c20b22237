// The ESLint configuration bites: small texts with faults, linted with the project's own eslint.config.mjs as if they
// were files of core/ or scripts/, get them reported. Whether core/ and scripts/ themselves are clean is checked by `npm run lint`
// in `npm test` (linting the whole core twice would double the slowest part of the run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { repoRoot } from '../helpers/pwsh';

const FIXTURE_PATH = 'core/util/__fixture__.ts';
const SCRIPT_FIXTURE_PATH = 'scripts/__fixture__.mjs';

/** The rule (or, for a file ESLint could not parse, its message) and the line of each finding. */
async function findings(text: string, filePath = FIXTURE_PATH): Promise<{ rule: string | null; line: number }[]> {
  // The fixtures are not on disk, so no tsconfig holds them: the type-checked rules get them from TypeScript's default
  // project. Both are listed every time: typescript-eslint keeps one project service per process, made by the first call.
  const projectService = { allowDefaultProject: [FIXTURE_PATH, SCRIPT_FIXTURE_PATH] };
  const eslint = new ESLint({ cwd: repoRoot, overrideConfig: { languageOptions: { parserOptions: { projectService } } } });
  const [result] = await eslint.lintText(text, { filePath });
  return result.messages.map((m) => ({ rule: m.fatal ? m.message : m.ruleId, line: m.line }));
}

test('a promise nobody awaits is reported (a rule that needs the types)', async () => {
  const text = ['async function save(): Promise<void> {}', '', 'export function run(): void {', '  save();', '}', ''].join('\n');
  assert.deepEqual(await findings(text), [{ rule: '@typescript-eslint/no-floating-promises', line: 4 }]);
});

test('a build script gets the type-checked rules too: its promise nobody awaits is reported', async () => {
  const text = ['async function save() {}', '', 'export function run() {', '  save();', '}', ''].join('\n');
  assert.deepEqual(await findings(text, SCRIPT_FIXTURE_PATH), [{ rule: '@typescript-eslint/no-floating-promises', line: 4 }]);
});

test('a line over 160 characters is reported, also when the length is a string', async () => {
  const long = `export const message = '${'x'.repeat(170 - "export const message = '';".length)}';`;
  assert.equal(long.length, 170);
  const fits = `export const other = '${'y'.repeat(160 - "export const other = '';".length)}';`;
  assert.equal(fits.length, 160);
  assert.deepEqual(await findings(`${fits}\n${long}\n`), [{ rule: 'max-len', line: 2 }]);
});

test('only a line holding a URL may be longer: a URL cannot be wrapped', async () => {
  const url = `https://learn.microsoft.com/${'a'.repeat(150)}`;
  assert.deepEqual(await findings(`// See ${url}\nexport const ok = 1;\n`), []);
});
