// Lint rules that keep the architecture honest: Electron only at the edges, raw IPC only in its wrappers.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const electronOnlyInShell = {
  paths: [{ name: 'electron', message: 'Only the Electron shell (electron/shell/) may import electron: core services are plain Node.' }],
};

const rawIpc = {
  paths: [
    {
      name: 'electron',
      importNames: ['ipcMain', 'ipcRenderer'],
      message: 'Use the typed IPC wrappers (electron/shell/ipc-bind.ts, preload.cts): raw IPC is banned elsewhere.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'electron/core/onnx/generated/**', 'electron/core/tflite/generated/**', 'test-output/**', 'bench-output/**', 'resources/agent/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      'no-restricted-imports': ['error', electronOnlyInShell],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['electron/shell/**/*.ts', 'electron/shell/**/*.cts'],
    rules: { 'no-restricted-imports': ['error', rawIpc] },
  },
  {
    files: ['electron/shell/ipc-bind.ts', 'electron/shell/preload.cts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['test/e2e/electron*.test.ts'],
    rules: { 'no-restricted-imports': ['error', rawIpc] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyInShell,
          patterns: [
            { group: ['node:*'], message: 'The renderer runs in a sandboxed page: no Node modules.' },
            {
              regex: '^(\\.\\./)+electron/(?!core/api/|core/jobs/progress)',
              message: 'The renderer may import only the API contract and pure formatters from electron/core.',
            },
            {
              regex: '^(\\.\\./)+resources/(?!device-protocol/(?:fingerprint-text|metric-name))',
              message: 'The renderer may import only pure formatters from resources/.',
            },
          ],
        },
      ],
    },
  },
  {
    // The device protocol belongs to neither side: the console (electron/) and the agent (resources/agent/)
    // both depend on it, it depends on neither.
    files: ['resources/device-protocol/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          ...electronOnlyInShell,
          patterns: [{ regex: '^(\\.\\./)+(electron|agent|renderer)/', message: 'resources/device-protocol/ may not import the console or the agent: both import it.' }],
        },
      ],
    },
  },
);
