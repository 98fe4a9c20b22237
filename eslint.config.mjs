// ESLint for the TypeScript core and the build scripts: typescript-eslint's recommended type-checked rules, plus a
// line-length limit of 160. `npm run lint`. Rules configured differently from the preset are listed with the reason.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['core/generated/**', 'ps-module/**', 'build/**', 'dist/**', 'node_modules/**', 'test/**', 'bench/**'] },
  {
    files: ['core/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      'max-len': ['error', { code: 160, ignoreUrls: true, ignoreTemplateLiterals: true, ignoreStrings: true, ignoreRegExpLiterals: true }],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
    rules: { 'max-len': ['error', { code: 160, ignoreUrls: true, ignoreTemplateLiterals: true, ignoreStrings: true, ignoreRegExpLiterals: true }] },
  },
);
