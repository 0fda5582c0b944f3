import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * The rooms of src/ and what each may import (docs/architecture.md draws the same map). An import that
 * climbs out of its own folder (`../`, `../../`) into one of `rooms` is refused.
 */
const into = (...rooms) => `^(\\.\\./)+(${rooms.join('|')})(/|$)`;
/** One refused way out of a room, with the message that says where the import belongs. */
const layer = (message, rooms, extra = {}) => ({ regex: into(...rooms), message, ...extra });

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
    ignores: ['src/main/index.ts', 'src/main/window.ts', 'src/preload/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main/index.ts imports electron.' }] },
      ],
    },
  },
  {
    // The renderer sees main only through the contract (and the preload's types): no core, main,
    // simulator or CLI code, no Node built-ins. What it needs of core, the contract re-exports.
    files: ['src/renderer/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            layer(
              'The renderer imports the contract only: re-export what it needs from core through src/contract.',
              ['core', 'main', 'simulator', 'cli'],
            ),
            layer(
              'The renderer takes only types from the preload (the API comes from window.provisioner).',
              ['preload'],
              { allowTypeImports: true },
            ),
            { regex: '^node:', message: 'The renderer runs in the window: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // The contract is shared by main, the preload and the renderer: it builds on core alone.
    files: ['src/contract/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('The contract imports core only.', ['main', 'simulator', 'cli', 'renderer', 'preload']),
            { regex: '^node:', message: 'The contract runs in the window too: no Node built-ins.' },
          ],
        },
      ],
    },
  },
  {
    // The device layer and the workflows reach a simulator through the SimulatorLike port only; the
    // composition root (src/main/open.ts) starts one.
    files: ['src/main/device/**', 'src/main/workflows/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            layer(
              'main/device and the workflows never import the simulator: take a SimulatorLike (src/main/open.ts starts one).',
              ['simulator'],
            ),
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/(^|\\/)simulator(\\/|$)/]',
          message:
            'main/device and the workflows never import the simulator: take a SimulatorLike (src/main/open.ts starts one).',
        },
      ],
    },
  },
  {
    // The cloud transport builds on core and the vault (the keychain); of the device layer and the
    // workflows it takes types only (the device port it implements). Never the simulator, the CLI, the
    // app's handlers or the window.
    files: ['src/main/cloud/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            layer(
              'main/cloud imports core and main/vault only (types from main/device and main/workflows).',
              ['simulator', 'cli', 'renderer', 'contract', 'preload', 'app', 'demo', 'ipc', 'input'],
            ),
            layer(
              'main/cloud imports core and main/vault only (types from main/device and main/workflows).',
              ['device', 'workflows'],
              { allowTypeImports: true },
            ),
          ],
        },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/(^|\\/)simulator(\\/|$)/]',
          message: 'main/cloud never imports the simulator.',
        },
      ],
    },
  },
  {
    // The simulator is a device: it shares the console language (core) and nothing of the tool.
    files: ['src/simulator/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            layer('The simulator imports core only.', ['main', 'cli', 'renderer', 'contract', 'preload']),
          ],
        },
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
