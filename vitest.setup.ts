import { beforeAll } from 'vitest';
import { initNodeBackend } from './lib/core/backend-node';

// Every test file runs on the Node default (WASM, else CPU) unless TF_BACKEND says otherwise.
beforeAll(async () => {
  await initNodeBackend();
});
