import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    rules: {
      // The core runs in plain Node (CLI, tests, the Electron main process); Electron stays in main/.
      'no-restricted-imports': ['error', {
        paths: [
          { name: 'electron', message: 'src/ is the plain-Node core: Electron belongs in main/.' },
          { name: 'electron-store', message: 'electron-store imports electron; use the conf-backed settings port.' },
        ],
        patterns: [{ group: ['electron/*'], message: 'src/ is the plain-Node core: Electron belongs in main/.' }],
      }],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
);
