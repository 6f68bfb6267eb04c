// ESLint flat config: typescript-eslint strict-type-checked, using the TypeScript project service.
import eslint from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: ['node_modules/', 'dist/', 'docs/api/', 'coverage/', '.cache/', '.ci/', '.scratch/'],
  },
  eslint.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: {
          // config files at the root are plain JS, outside tsconfig.json
          allowDefaultProject: ['*.js', '*.mjs'],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // node:test's test()/describe() return promises that the runner itself awaits
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after'] },
          ],
        },
      ],
      // `return done()` / `() => resolve()` in void callbacks is idiomatic, not confusing
      '@typescript-eslint/no-confusing-void-expression': [
        'error',
        { ignoreArrowShorthand: true, ignoreVoidReturningFunctions: true },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      // errors that reach a pipeline are passed on as they are, whatever the user threw
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
      // `${n}` of numbers in messages is deliberate and readable
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `_`-prefixed names are intentionally unused (e.g. `for await (const _ of it) break`)
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Library code is written as small state machines whose flags change inside callbacks and
    // methods (`srcDone`, `this.state`); TypeScript does not see those writes (microsoft/TypeScript#9998)
    // and narrows them to constants, so no-unnecessary-condition reports live checks as dead. It also
    // flags deliberate runtime checks of values from untyped callers (a predicate returning 1, a null
    // element given to flatten). Here it is noise, so it is off in src/.
    // `void | DONE` is the result type of the Step protocol (src/pipe/flow.ts), used by every fused op.
    files: ['src/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/no-invalid-void-type': 'off',
    },
  },
  {
    // the fused-step machinery: the untyped op chain and pipe()'s variadic tail need `any`
    // internally (the public overloads stay typed)
    files: ['src/pipe/flow.ts', 'src/pipe/pipe.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // type tests only build expressions to check their types; nothing there runs
    files: ['test/types/**/*.ts'],
    rules: {
      '@typescript-eslint/no-floating-promises': 'off',
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  {
    // plain JS config files: no type information
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // tests, type tests, benchmarks, docs examples and the demo: assertions and fixtures
    files: ['test/**/*.ts', 'bench/**/*.ts', 'docs/examples/**/*.ts', 'examples/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      // tests build deliberately odd values and empty functions
      '@typescript-eslint/no-empty-function': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unnecessary-condition': 'off',
    },
  },
)
