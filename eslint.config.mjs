import { readdirSync } from 'node:fs';
// @ts-check
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Dependency direction (see docs/architecture.md):
 *   app → lib;  lib never imports app, Next, React or zustand;
 *   only lib/audio imports Tone; lib/audio and lib/classroom import no TF.js; app imports TF.js only in its model worker;
 *   lib/core imports no other lib folder; lib/latent builds on lib/core only (it knows no domain);
 *   a domain folder (lib/image, lib/music, … — every lib folder that is not infrastructure) imports
 *   lib/core, lib/latent and lib/domains' types, never another domain, the Compare lab or the classroom;
 *   lib/domains (the registries) and lib/compare sit above the domains.
 * The domain folders are read from lib/ itself, so a new domain needs no change here.
 */
const INFRASTRUCTURE = ['core', 'latent', 'domains', 'compare', 'audio', 'classroom'];
/** Lib folders a domain folder may use besides the infrastructure ones (analysis shared by domains). */
const SHARED_BY_DOMAINS = { sound: ['music'], timbre: ['sound', 'audio'] };
const LIB_FOLDERS = readdirSync(new URL('./lib', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'testing')
  .map((d) => d.name);
const DOMAIN_FOLDERS = LIB_FOLDERS.filter((n) => !INFRASTRUCTURE.includes(n));
/** Pages' folders under app/ (a lab, the classroom…): none imports another's; shared UI lives in app/_components. */
const PAGE_FOLDERS = readdirSync(new URL('./app', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('_') && !d.name.startsWith('[') && d.name !== 'api')
  .map((d) => d.name);

const NO_UI = [
  { group: ['@/app', '@/app/*', '**/app', '**/app/*'], message: 'lib/ must not import app/: move shared code into lib/.' },
  {
    group: ['next', 'next/*', 'react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
    message: 'lib/ is framework-free: no Next, React or zustand here.',
  },
];
const NO_TONE = [{ group: ['tone', 'tone/*'], message: 'Only lib/audio imports Tone.js.' }];
const NO_TF = [{ group: ['@tensorflow/*'], message: 'TF.js belongs in lib/ model code and the model worker, not here.' }];
const libFolders = (names) =>
  names.map((n) => ({
    group: [`@/lib/${n}`, `@/lib/${n}/*`, `**/lib/${n}`, `**/lib/${n}/*`, `../${n}`, `../${n}/*`, `../../${n}/*`],
    message: `This folder must not depend on lib/${n}.`,
  }));
const except = (names) => LIB_FOLDERS.filter((n) => !names.includes(n));

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
  restrict(['lib/core/**'], [...NO_UI, ...NO_TONE, ...libFolders(except(['core']))]),
  restrict(['lib/latent/**'], [...NO_UI, ...NO_TONE, ...libFolders(except(['core', 'latent']))]),
  ...DOMAIN_FOLDERS.map((d) =>
    restrict([`lib/${d}/**`], [...NO_UI, ...NO_TONE, ...libFolders(except(['core', 'latent', 'domains', d, ...(SHARED_BY_DOMAINS[d] ?? [])]))]),
  ),
  restrict(['lib/domains/**', 'lib/compare/**'], [...NO_UI, ...NO_TONE, ...libFolders(['audio', 'classroom'])]),
  restrict(['lib/audio/**'], [...NO_UI, ...NO_TF, ...libFolders(['image', 'classroom'])]),
  restrict(['lib/classroom/**'], [...NO_UI, ...NO_TONE, ...NO_TF]),
  restrict(['app/**'], NO_TF, ['app/_workers/**', ...PAGE_FOLDERS.map((p) => `app/${p}/**`)]),
  ...PAGE_FOLDERS.map((p) =>
    restrict(
      [`app/${p}/**`],
      [
        ...NO_TF,
        ...PAGE_FOLDERS.filter((o) => o !== p).map((o) => ({
          group: [`@/app/${o}`, `@/app/${o}/*`, `../${o}/*`, `../../${o}/*`],
          message: `app/${p} must not import app/${o}: put what both need in app/_components (or lib/).`,
        })),
      ],
    ),
  ),
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
