/**
 * A real classroom service on a real SQLite file in a temporary folder, with a clock the test
 * moves by hand. No mock database anywhere.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalEventBus } from '../events';
import { ClassroomService, type ClassroomConfig } from '../service';
import { SqliteClassroomStore } from '../sqlite-store';

export interface Harness {
  dir: string;
  file: string;
  store: SqliteClassroomStore;
  bus: LocalEventBus;
  service: ClassroomService;
  clock: { now: number };
  advance(ms: number): void;
  close(): Promise<void>;
}

export function openHarness(config: Partial<ClassroomConfig> = {}): Harness {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'latent-lab-classroom-'));
  const file = path.join(dir, 'nested', 'classroom.db');
  const store = SqliteClassroomStore.open(file);
  const bus = new LocalEventBus();
  // Mid-window start, so a test's minute never straddles two rate-limit windows by accident.
  const clock = { now: Date.UTC(2026, 11, 1, 9, 0, 5) };
  const service = new ClassroomService({ store, bus, config, now: () => clock.now });
  return {
    dir,
    file,
    store,
    bus,
    service,
    clock,
    advance(ms) {
      clock.now += ms;
    },
    async close() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
