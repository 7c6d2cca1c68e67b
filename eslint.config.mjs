// ESLint for the TypeScript (extension/, tests/typescript/, scripts/, benchmarks/) and the Node scripts (*.mjs).
// typescript-eslint's `recommended` set, without type information: the type-aware set would
// double `npm test`'s lint time on a 2-core machine, and `tsc` (strict, noUnused*) already
// checks types. Layering: extension/core and extension/cli never import vscode (also enforced
// by tsconfig.core.json in `npm run typecheck`).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// 120 columns for code, strings and comments alike. A URL or a regular expression broken over
// lines could no longer be searched for or copied whole, so those lines may be longer. Strings
// are not exempt: `ignoreStrings` would exempt any line holding a string, i.e. nearly every long
// line; a long message is split at a clause ('…' + '…'), which keeps each part searchable.
const MAX_LEN = { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true };

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'out/', 'test-artifacts/', '.etl/', '**/.venv/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'max-len': ['error', MAX_LEN],
      // `_name` marks a parameter a signature needs but the body does not use.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    files: ['extension/core/**/*.ts', 'extension/cli/**/*.ts', 'extension/cli.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'vscode',
              message:
                'extension/core and extension/cli run in the etl CLI, where no VS Code exists: ' +
                'keep VS Code code in extension/vscode/.',
            },
          ],
        },
      ],
    },
  },
  {
    // page.waitForFunction bodies run in the browser page, not in Node.
    files: ['tests/typescript/vscode/driver/userScenario.mjs', 'tests/typescript/vscode/driver/goldScenario.mjs',
      'tests/typescript/vscode/driver/previewScenario.mjs', 'tests/typescript/vscode/driver/capture.mjs'],
    languageOptions: { globals: { document: 'readonly' } },
  },
  {
    // Webview scripts run in the webview's browser frame, with VS Code's acquireVsCodeApi.
    files: ['media/**/*.js'],
    languageOptions: { globals: { ...globals.browser, acquireVsCodeApi: 'readonly' } },
  },
  {
    // The test suites in the VS Code extension host use mocha's globals (describe, it, before).
    files: ['tests/typescript/vscode/suite/**/*.ts'],
    languageOptions: { globals: { ...globals.mocha } },
  },
);
