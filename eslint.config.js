import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    // Only the Electron shell imports electron.
    files: ['src/**'],
    ignores: ['src/main/index.ts', 'src/main/window.ts', 'src/main/menu.ts', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main/index.ts imports electron.' }] },
      ],
    },
  },
  {
    // core/ is pure: no I/O, no Electron, nothing of the project outside itself.
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'node:fs*', 'fs', 'node:child_process', 'node:net'],
              message: 'core/ does no I/O.',
            },
            {
              group: ['../../main/*', '../../cli/*', '../../simulator/*', '../../renderer/*'],
              message: 'core/ imports nothing of the project outside itself.',
            },
          ],
        },
      ],
    },
  },
);
