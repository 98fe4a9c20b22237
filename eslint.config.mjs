// ESLint for the TypeScript core and the build scripts: typescript-eslint's recommended type-checked rules, plus a
// line-length limit of 160 that every line obeys: only URLs are exempt (a URL cannot be wrapped), strings, template
// literals and regular expressions count like code. `npm run lint`; `npm test` runs it and fails on any finding.
// Rules configured differently from the presets say why where they are set.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const lineLength = ['error', { code: 160, ignoreUrls: true }];

export default tseslint.config(
  { ignores: ['core/generated/**', 'ps-module/**', 'build/**', 'dist/**', 'node_modules/**', 'test/fixtures/**', 'bench/results/**'] },
  {
    files: ['core/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'max-len': lineLength,
      // Leaving fields out of a copy by destructuring them next to a rest element is the idiom; they are unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // The build scripts are JavaScript: their types come from scripts/tsconfig.json (allowJs) and their JSDoc.
    files: ['scripts/**/*.mjs'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly' },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: { 'max-len': lineLength },
  },
  {
    // The tests: the same type-checked rules, relaxed where a test's job differs from the core's. A test reads JSON the
    // module printed and pokes at it (the no-unsafe-* rules would ask for a type at every step of that), and node's
    // runner takes async callbacks it does not await (no-floating-promises on test() calls is noise, not a bug).
    files: ['test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Tests hold PowerShell scripts and expected messages as strings, one line of theirs per source line.
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreRegExpLiterals: true }],
      // An async test body or hook without await is the runner's shape, not a forgotten await.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite'] }] }],
    },
  },
  {
    // The benchmarks are plain JavaScript run by node: the recommended rules and the line length.
    files: ['bench/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', performance: 'readonly' },
    },
    rules: { 'max-len': lineLength },
  },
  {
    // The PowerShell that runs on the remote end lives in this file's template literals, one PowerShell line per source
    // line; wrapping them would mean splitting PowerShell statements. Its code outside the scripts is short.
    files: ['core/host/remote/remote-scripts.ts'],
    rules: { 'max-len': 'off' },
  },
);
