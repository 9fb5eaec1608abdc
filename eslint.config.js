// ESLint for the TypeScript sources and tests, and the browser files: the recommended rules of ESLint and
// typescript-eslint.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'node_modules/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    rules: {
      // Unused names prefixed with _ are deliberate (destructuring a field away, a placeholder parameter).
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Adapter code speaks to untyped library internals; each `any` is local and commented where it matters.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  // Pages and widgets that run in a browser, next to a socket.io client and the widgets loaded by the page. They
  // are ES5 for old browsers, so a catch clause must name its error even when it does not use it.
  {
    files: ['test/**/*.js', 'public/**/*.js'],
    languageOptions: {
      globals: { ...globals.browser, io: 'readonly', ChatgateLobby: 'readonly', ChatgateSellerChat: 'readonly' },
    },
    rules: { '@typescript-eslint/no-unused-vars': ['error', { caughtErrors: 'none' }] },
  },
);
