// ESLint over the whole tree: `npx eslint --max-warnings 0 .` (npm run lint). Zero errors and zero
// warnings is the bar; a rule is switched off on a line only with a `-- reason` beside the directive.
import js from '@eslint/js';
import comments from '@eslint-community/eslint-plugin-eslint-comments/configs';
import nextCoreWebVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const config = [
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      'data/**',
      'db/migrations/**',
      'public/**',
      'reports/**',
      'test-results/**',
      'playwright-report/**',
      'bench/out/**',
      'e2e/.artifacts/**',
      'e2e/screenshots/**',
      'next-env.d.ts',
    ],
  },
  {
    linterOptions: {
      reportUnusedDisableDirectives: 'error',
      reportUnusedInlineConfigs: 'error',
    },
  },
  js.configs.recommended,
  // Next's own rules (React, react-hooks' recommended set incl. rules-of-hooks and exhaustive-deps,
  // jsx-a11y, import, @next/next core web vitals) and typescript-eslint's recommended set.
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Type-aware rules where they are cheap: the project service reuses tsconfig.json.
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['vitest.config.mts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // An async handler given to a JSX attribute (onClick, onFinish, onConfirm) is how antd and React
      // take one; promises passed anywhere else must still be handled.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unnecessary-type-assertion': 'error',
      // `_name` marks a parameter kept for the reader; `{ dropped: _, ...rest }` is how an object omits a key.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unused-expressions': 'error',
    },
  },
  // Layers one way: app -> components -> lib -> db. A file may import from its own layer and those below
  // it, never above; the path is resolved (the @/ alias and relative paths alike), so `../../lib/x` from
  // db/ fails as `@/lib/x` does. Tests and their harness (lib/testing) drive the whole stack from the top,
  // like e2e/, so they stand outside the layers; production code may not import the harness.
  {
    files: ['app/**', 'components/**', 'lib/**', 'db/**'],
    ignores: ['**/*.test.ts', '**/*.test.tsx', 'lib/testing/**'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './db',
              from: ['./lib', './components', './app'],
              message: 'db/ is the bottom layer: it imports nothing from lib/, components/ or app/.',
            },
            {
              target: './lib',
              from: ['./components', './app'],
              message: 'lib/ (lib/client too) imports nothing from components/ or app/.',
            },
            {
              target: './components',
              from: './app',
              message: 'components/ imports nothing from app/.',
            },
            {
              target: ['./app', './components', './lib', './db'],
              from: './lib/testing',
              message: "lib/testing is the tests' harness: production code does not import it.",
            },
          ],
        },
      ],
    },
  },
  comments.recommended,
  {
    rules: {
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/disable-enable-pair': ['error', { allowWholeFile: true }],
    },
  },
];

export default config;
