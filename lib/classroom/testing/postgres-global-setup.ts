/**
 * Vitest global setup of the classroom tests: one throwaway PostgreSQL cluster for the whole run
 * (each test then works in a schema of its own), removed at the end. Without PostgreSQL the
 * PostgreSQL half of the contract suite is skipped with a message that says how to install it —
 * except in CI (CI=true), where a missing PostgreSQL fails the run instead of skipping quietly.
 */
import type { TestProject } from 'vitest/node';
import { POSTGRES_MISSING, findPostgresBin, startPgCluster } from './pg-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    classroomPostgres: { url: string } | { skip: string };
  }
}

function inCi(): boolean {
  const ci = process.env.CI?.trim().toLowerCase();
  return !!ci && ci !== 'false' && ci !== '0';
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (!findPostgresBin()) {
    if (inCi()) throw new Error(`CI=true and the classroom's PostgreSQL tests cannot run: ${POSTGRES_MISSING}`);
    console.warn(`\n[classroom] PostgreSQL tests SKIPPED: ${POSTGRES_MISSING}\n`);
    project.provide('classroomPostgres', { skip: POSTGRES_MISSING });
    return undefined;
  }
  const cluster = await startPgCluster({ fast: true });
  project.provide('classroomPostgres', { url: cluster.url });
  return async () => {
    await cluster.remove();
  };
}
