import tseslint from 'typescript-eslint';

const SIM_FENCE = { group: ['**/sim/**', '**/sim/*'], message: 'Only the CLI demo path may load the simulator.' };
const FENCE_MESSAGE =
  'Layout fence (issue #16): a toolset imports only tools/core, tools/lib, tools/write and thruk; move what two toolsets share into tools/lib.';
const LIB_MESSAGE = 'Layout fence (issue #16): tools/lib imports only tools/core, tools/lib and thruk, never a toolset.';
/** `../x/` from a toolset (or tools/write) is another tools/ folder: only core, lib and write, plus named exceptions. */
const toolsetFence = (extra = []) => ({
  patterns: [
    SIM_FENCE,
    {
      regex: `^\\.\\./(?!\\.\\./|core/|lib/|write/${extra.map((e) => `|${e.replace(/[.]/g, '\\.')}$`).join('')})[^/]+/`,
      message: FENCE_MESSAGE,
    },
    { regex: '^\\.\\./\\.\\./(?!thruk/)', message: FENCE_MESSAGE },
  ],
});
const libFence = (extra = []) => ({
  patterns: [
    SIM_FENCE,
    { regex: `^\\.\\./(?!\\.\\./|core/|lib/${extra.map((e) => `|${e.replace(/[.]/g, '\\.')}$`).join('')})[^/]+/`, message: LIB_MESSAGE },
    { regex: '^\\.\\./\\.\\./(?!thruk/)', message: LIB_MESSAGE },
  ],
});
/**
 * The fence's allow-list: cross-folder imports not untangled yet. TODO(#16): hygiene's check runs
 * triage's stale-acks tool; its query wants to move into tools/lib.
 */
const FENCE_EXCEPTIONS = {
  'src/tools/hygiene/checks.ts': ['triage/stale-acks.js'],
};
const LIB_EXCEPTIONS = {};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.proto/**', 'src/views/generated/**'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' }],
    },
  },
  {
    // The simulator is a test/demo double: only the CLI's demo path (dynamic import) may load it.
    files: ['src/**/*.ts'],
    ignores: ['src/sim/**', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [SIM_FENCE] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only cli.ts may exit.' }],
    },
  },
  {
    // The layout fence: toolsets are leaves; what they share lives in tools/lib (CONTRIBUTING.md's map).
    files: ['src/tools/*/**/*.ts'],
    ignores: ['src/tools/core/**', 'src/tools/lib/**', ...Object.keys(FENCE_EXCEPTIONS)],
    rules: { 'no-restricted-imports': ['error', toolsetFence()] },
  },
  ...Object.entries(FENCE_EXCEPTIONS).map(([file, extra]) => ({
    files: [file],
    rules: { 'no-restricted-imports': ['error', toolsetFence(extra)] },
  })),
  {
    files: ['src/tools/lib/**/*.ts'],
    ignores: Object.keys(LIB_EXCEPTIONS),
    rules: { 'no-restricted-imports': ['error', libFence()] },
  },
  ...Object.entries(LIB_EXCEPTIONS).map(([file, extra]) => ({
    files: [file],
    rules: { 'no-restricted-imports': ['error', libFence(extra)] },
  })),
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config/config.ts', 'src/cli.ts', 'src/sim/serve.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read the environment only in config/config.ts.',
        },
      ],
    },
  },
  {
    files: ['bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Tests read answers typed (test/helpers/harness.ts: each tool's output type, rest<T>(), obj()/arr()).
    // Files not converted yet say which rules they still turn off, and why, at their top.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  // The MCP Apps views run in a browser (DOM types): their own TypeScript project.
  {
    files: ['src/views/app/**/*.ts', 'test/fixtures/views/**/*.ts'],
    languageOptions: { parserOptions: { project: './src/views/app/tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  // ESLint itself requires the config's default export; so does node:test of a custom reporter
  // (plain .mjs, because node loads reporters before the tsx hook); scripts/dev/ holds plain .mjs tools.
  {
    files: ['eslint.config.js', 'test/helpers/*.mjs', 'test/fixtures/**/*.mjs', 'scripts/dev/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' },
  },
);
