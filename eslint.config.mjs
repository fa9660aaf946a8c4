// @ts-check
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Dependency direction (see README "Architecture"):
 *   app → lib;  lib never imports app, Next, React or zustand;
 *   only lib/audio imports Tone; only lib/core|image|music|timbre|latent import TF.js;
 *   lib/classroom imports neither; lib/core imports no other lib folder;
 *   lib/latent builds on lib/core only; app has no tensor math except in its model worker.
 */
const NO_UI = [
  { group: ['@/app', '@/app/*', '**/app', '**/app/*'], message: 'lib/ must not import app/: move shared code into lib/.' },
  {
    group: ['next', 'next/*', 'react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
    message: 'lib/ is framework-free: no Next, React or zustand here.',
  },
];
const NO_TONE = [{ group: ['tone', 'tone/*'], message: 'Only lib/audio imports Tone.js.' }];
const NO_TF = [{ group: ['@tensorflow/*'], message: 'TF.js belongs in lib/core, lib/image, lib/music, lib/timbre and lib/latent only.' }];
const libFolders = (names) =>
  names.map((n) => ({
    group: [`@/lib/${n}`, `@/lib/${n}/*`, `**/${n}`, `**/${n}/*`, `../${n}`, `../${n}/*`, `../../${n}/*`],
    message: `This folder must not depend on lib/${n}.`,
  }));

/** @param {string[]} files @param {object[]} patterns @param {string[]} [ignores] */
const restrict = (files, patterns, ignores = []) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['.next/**', '**/node_modules/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'models/**', 'public/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    plugins: { '@next/next': nextPlugin, 'react-hooks': reactHooks },
    rules: {
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Type-aware: a promise nobody awaits, returns or marks with `void` hides its errors.
    files: ['**/*.ts', '**/*.tsx', '**/*.mts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  restrict(['lib/core/**'], [...NO_UI, ...NO_TONE, ...libFolders(['latent', 'image', 'music', 'audio', 'classroom'])]),
  restrict(['lib/latent/**'], [...NO_UI, ...NO_TONE, ...libFolders(['image', 'music', 'audio', 'classroom'])]),
  restrict(['lib/image/**'], [...NO_UI, ...NO_TONE, ...libFolders(['music', 'audio', 'classroom'])]),
  restrict(['lib/music/**'], [...NO_UI, ...NO_TONE, ...libFolders(['image', 'audio', 'classroom'])]),
  // The timbre domain: TF.js yes; lib/core and lib/latent; of lib/audio only its Tone-free WAV encoder.
  restrict(
    ['lib/timbre/**'],
    [
      ...NO_UI,
      ...NO_TONE,
      ...libFolders(['image', 'music', 'classroom']),
      { group: ['../audio/*', '!../audio/wav'], message: 'lib/timbre may use lib/audio/wav only (no playback, no Tone).' },
    ],
  ),
  restrict(['lib/audio/**'], [...NO_UI, ...NO_TF, ...libFolders(['image', 'classroom'])]),
  restrict(['lib/classroom/**'], [...NO_UI, ...NO_TONE, ...NO_TF]),
  restrict(['app/**'], NO_TF, ['app/_workers/**']),
  restrict(['scripts/**', 'e2e/**'], [NO_UI[0]].filter(Boolean)),
  {
    // CLIs and benchmarks print their results.
    files: ['scripts/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // The reference runner is plain CommonJS for Node (it loads @magenta/music's CommonJS bundle).
    files: ['tools/**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', process: 'readonly', console: 'readonly', globalThis: 'readonly', performance: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off', 'no-console': 'off' },
  },
);
