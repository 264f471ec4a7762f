import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['node_modules/**', '.data/**', 'dist/**', 'db/migrations/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // CommonJS modules that the Temporal SDK require()s in every process (platform/failure-converter.cjs).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts'],
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Workflow code must stay deterministic: no Node built-ins, and only *types* from the layers
    // that do I/O. Domain code is pure and shares the same limits.
    files: ['workflows/**/*.ts', 'domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow and domain code may not use Node built-ins.' })),
          patterns: [
            {
              group: ['**/activities/**', '**/activities', '**/db/**', '**/db', '**/bots/**', '**/bots', '**/worker/**', '**/web/**'],
              allowTypeImports: true,
              message: 'Import only types from activities/, db/, bots/, worker/ or web/ here.',
            },
            { group: ['pg', 'drizzle-orm', 'drizzle-orm/*', '@slack/*', '@octokit/*', 'pino', '@temporalio/client', '@temporalio/worker'], message: 'No I/O libraries in workflow or domain code.' },
          ],
        },
      ],
    },
  },
  // Arrows only point down (DESIGN.md §2): worker/ composes front-ends and activities; neither
  // reaches up into worker/ or sideways into the other. Shared vocabulary lives in domain/ or platform/.
  {
    files: ['bots/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities/**', '**/activities', '**/worker/**', '**/worker', '**/web/**', '**/web'],
              message: 'Front-ends only receive: what they share with activities or web/ belongs in domain/ or platform/, composition in worker/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['web/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/activities/**', '**/activities', '**/worker/**', '**/worker', '**/bots/**', '**/bots'],
              message: 'web/ is a front-end: what it shares with activities or bots/ belongs in domain/ or platform/, composition in worker/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['activities/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/worker/**', '**/worker', '**/bots/**', '**/bots', '**/web/**', '**/web'],
              message: 'Activities only send: they are built from their deps (worker/ composes them), never from front-ends or the worker.',
            },
          ],
        },
      ],
    },
  },
);
