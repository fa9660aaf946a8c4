import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that run against both classroom stores (SQLite and a throwaway PostgreSQL cluster). */
const CLASSROOM = ['lib/classroom/**/*.test.ts', 'app/api/**/*.test.ts'];

/**
 * Three projects, all run by `npm test` (and `npm run test:unit`):
 * - `unit`: everything quick — run it while you work (`npm run test:fast`, about a minute);
 * - `classroom`: the classroom's service, stores and API, against SQLite and a throwaway PostgreSQL;
 * - `slow`: tests that train or evaluate models, load the full MNIST, or run the CLIs in child
 *   processes (`npm run test:slow`, several minutes on 2 cores). Add a new test file here when it
 *   takes more than ~10 s on its own.
 */
const SLOW = [
  'lib/core/kernels/wasm-grad.test.ts',
  'lib/image/gap.test.ts',
  'lib/image/idx.test.ts',
  'lib/image/image-model.test.ts',
  'lib/image/mnist.test.ts',
  'lib/music/evaluate.test.ts',
  'lib/music/finetune-export.test.ts',
  'lib/music/finetune-worker.test.ts',
  'lib/music/magenta-compat.test.ts',
  'lib/music/music-vae.test.ts',
  'lib/music/train-run.test.ts',
  'lib/music/train.test.ts',
  'lib/sound/transcribe.test.ts',
  'scripts/eval-image.test.ts',
  'scripts/eval-music.test.ts',
  'scripts/musicvae.test.ts',
  'scripts/musicvae-audio.test.ts',
  'scripts/quantize-image.test.ts',
  'scripts/shipped-image-models.test.ts',
  'scripts/train-music.test.ts',
  'lib/timbre/compare-domain.test.ts',
  'lib/timbre/timbre-model.test.ts',
  'lib/timbre/train.test.ts',
  'lib/timbre/train-run.test.ts',
  'scripts/timbre.test.ts',
  'scripts/shipped-timbre-model.test.ts',
  'lib/timbre/worker.test.ts',
  'lib/timbre/evaluate.test.ts',
];

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    // Server-only modules (lib/classroom's service and store) are plain Node code in tests; the
    // package throws outside React Server Components, so tests get its empty build.
    alias: { 'server-only': fileURLToPath(new URL('./node_modules/server-only/empty.js', import.meta.url)) },
  },
  test: {
    environment: 'node',
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // 2-core machines: two workers keep both cores busy without thrashing.
    maxWorkers: 2,
    projects: [
      // (`include` lives in each project: with `extends`, arrays are concatenated, not replaced.)
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts', 'app/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...SLOW, ...CLASSROOM],
        },
      },
      { extends: true, test: { name: 'slow', include: SLOW, testTimeout: 180_000 } },
      // The PostgreSQL cluster starts only when a classroom test is among those that run.
      { extends: true, test: { name: 'classroom', include: CLASSROOM, globalSetup: ['./lib/classroom/testing/postgres-global-setup.ts'] } },
    ],
  },
});
