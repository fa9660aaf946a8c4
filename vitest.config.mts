import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

/** Tests that run against both classroom stores (SQLite and a throwaway PostgreSQL cluster). */
const CLASSROOM = ['lib/classroom/**/*.test.ts', 'app/api/**/*.test.ts'];

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
      { extends: true, test: { name: 'unit', include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts'], exclude: [...configDefaults.exclude, ...CLASSROOM] } },
      // The PostgreSQL cluster starts only when a classroom test is among those that run.
      { extends: true, test: { name: 'classroom', include: CLASSROOM, globalSetup: ['./lib/classroom/testing/postgres-global-setup.ts'] } },
    ],
  },
});
