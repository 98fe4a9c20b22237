// ESLint for the TypeScript core and the build scripts: typescript-eslint's recommended type-checked rules, plus a
// line-length limit of 160 that every line obeys: only URLs are exempt (a URL cannot be wrapped), strings, template
// literals and regular expressions count like code. `npm run lint`; `npm test` runs it and fails on any finding.
// Rules configured differently from the presets say why where they are set.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const lineLength = ['error', { code: 160, ignoreUrls: true }];

export default tseslint.config(
  { ignores: ['core/generated/**', 'ps-module/**', 'build/**', 'dist/**', 'node_modules/**', 'test/**', 'bench/**'] },
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
    // The PowerShell that runs on the remote end lives in this file's template literals, one PowerShell line per source
    // line; wrapping them would mean splitting PowerShell statements. Its code outside the scripts is short.
    files: ['core/host/remote/remote-scripts.ts'],
    rules: { 'max-len': 'off' },
  },
);
