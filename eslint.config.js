import tseslint from 'typescript-eslint';

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
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
      ],
    },
  },
  {
    // The simulator is a test/demo double: only the CLI's demo path (dynamic import) may load it.
    files: ['src/**/*.ts'],
    ignores: ['src/sim/**', 'src/cli.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/sim/**', '**/sim/*'], message: 'Only the CLI demo path may load the simulator.' }] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'Only cli.ts may exit.' }],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/config.ts', 'src/cli.ts', 'src/sim/serve.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only.' },
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read the environment only in config.ts.' },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-floating-promises': ['error', { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] }],
    },
  },
  // The MCP Apps views run in a browser (DOM types): their own TypeScript project.
  { files: ['src/views/app/**/*.ts', 'test/fixtures/views/**/*.ts'], languageOptions: { parserOptions: { project: './src/views/app/tsconfig.json', tsconfigRootDir: import.meta.dirname } } },
  // ESLint itself requires the config's default export; so does node:test of a custom reporter
  // (plain .mjs, because node loads reporters before the tsx hook).
  { files: ['eslint.config.js', 'test/helpers/*.mjs', 'test/fixtures/**/*.mjs'], ...tseslint.configs.disableTypeChecked, rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' } },
);
