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
              group: ['**/activities/**', '**/activities', '**/db/**', '**/db', '**/bots/**', '**/bots', '**/worker/**', '**/web/**', '**/platform/**', '**/scripts/**'],
              allowTypeImports: true,
              message: 'Import only types from activities/, db/, bots/, worker/ or web/ here.',
            },
            { group: ['pg', 'drizzle-orm', 'drizzle-orm/*', '@slack/*', '@octokit/*', 'pino', '@temporalio/client', '@temporalio/worker'], message: 'No I/O libraries in workflow or domain code.' },
          ],
        },
      ],
    },
  },
  // Arrows only point down (DESIGN.md §2): `worker → bots, web, activities → db → platform →
  // domain`, workflows over domain. Each floor names the floors it may not import; a workflow's
  // messages.ts (its signals, updates, queries and their payloads) is the contract every caller
  // uses, so front-ends and activities may import it. test/unit/house.test.ts checks the whole
  // graph (loops through several folders, file sizes), which a per-file rule cannot see.
  ...floor('platform/**/*.ts', ['activities', 'workflows', 'db', 'bots', 'worker', 'web', 'scripts'], 'platform/ is the ground floor: plumbing with no business rules, used by everything that runs.'),
  ...floor('db/**/*.ts', ['activities', 'workflows', 'bots', 'worker', 'web', 'scripts'], 'db/ stores what domain/ defines: payload types belong in domain/, not in the floors above.'),
  ...floor('activities/**/*.ts', ['worker', 'bots', 'web', 'scripts'], 'Activities only send: they are built from their deps (worker/ composes them), never from front-ends or the worker.', { messagesOf: 'workflows' }),
  ...floor('bots/**/*.ts', ['activities', 'worker', 'web', 'scripts'], 'Front-ends only receive: what they share with activities or web/ belongs in domain/ or platform/, composition in worker/.', { messagesOf: 'workflows' }),
  ...floor('web/**/*.ts', ['activities', 'worker', 'bots', 'scripts'], 'web/ is a front-end: what it shares with activities or bots/ belongs in domain/ or platform/, composition in worker/.', { messagesOf: 'workflows' }),
  ...floor('worker/**/*.ts', ['scripts'], 'Runtime code never imports scripts/: scripts are entry points only.'),
);

/**
 * One `no-restricted-imports` block for a floor: `above` are the folders it may not import.
 * `messagesOf` lets it import that folder's messages.ts files (and types from the rest).
 */
function floor(files, above, message, { messagesOf } = {}) {
  const folders = (names) => names.flatMap((name) => [`**/${name}/**`, `**/${name}`]);
  const patterns = [{ group: folders(above), message }];
  if (messagesOf) {
    patterns.push({
      // File patterns only: once a directory pattern matches, no `!` can let a file under it through.
      group: [`**/${messagesOf}/*.js`, `**/${messagesOf}/*/*.js`, `**/${messagesOf}/*/*/**/*.js`, `!**/${messagesOf}/*/messages.js`],
      allowTypeImports: true,
      message: `Only a workflow's messages.ts (and types) may be imported from ${messagesOf}/.`,
    });
  }
  return [{ files: [files], rules: { 'no-restricted-imports': ['error', { patterns }] } }];
}
