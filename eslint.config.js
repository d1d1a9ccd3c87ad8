// ESLint + typescript-eslint's type-aware rules + Prettier, not Biome: the risks in this code are unawaited promises
// (servers, child processes) and `any` flowing out of Prism and the spec, which only type-aware rules catch.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // generated/ is written by npm run generate (openapi-typescript) and checked for freshness, not style.
  { ignores: ['node_modules/', 'dist/', 'coverage/', 'test/.artifacts/', 'generated/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    // A disable comment that no longer suppresses anything is an error, so each one stays justified.
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `const { [key]: _dropped, ...rest } = value` is how this code omits a key.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  // Tests and tooling read the spec, reports and answers as untyped JSON on purpose: the shape of that JSON is what
  // they assert (with ajv against the spec's own schemas), so the no-unsafe-* rules, which want every `any` narrowed
  // first, stay on for src/ only. Every other type-aware rule applies everywhere.
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // CommonJS stand-ins the mock's bundle uses (scripts/stubs/*.cjs). A CommonJS module imports with require() by
  // definition, so no-require-imports (which wants ESM imports) has nothing to say about these files.
  {
    files: ['**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Plain JavaScript (scripts/*.mjs, this file) is outside tsconfig.json: no type information to lint with.
  { files: ['**/*.js', '**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
  // Formatting is Prettier's job (npm run lint runs prettier --check); this turns off the rules that would disagree with it.
  prettier,
);
