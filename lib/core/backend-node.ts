/**
 * Backend selection in Node (tests, CLIs, training): WASM when it starts, else CPU.
 * `TF_BACKEND=cpu|wasm` (or the `override` argument, e.g. a CLI's `--backend`) forces one.
 * The wasm binaries are read from our own node_modules, never downloaded.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import { installFastKernels } from './kernels';
import { chooseBackend, parseBackendName, setTfBackend, type BackendChoice, type BackendName } from './backend';
import { BackendError } from './errors';

let pending: Promise<BackendChoice> | undefined;
let pendingKey: string | undefined;

function wasmDir(): string {
  const require = createRequire(path.join(process.cwd(), 'package.json'));
  return path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep;
}

/**
 * Initialises TF.js for Node once (later calls with the same override share the first result).
 * @param override backend to force; defaults to the `TF_BACKEND` environment variable.
 */
export function initNodeBackend(override?: BackendName): Promise<BackendChoice> {
  const forced = override ?? parseBackendName(process.env.TF_BACKEND, 'TF_BACKEND');
  if (forced === 'webgl' || forced === 'webgpu') {
    return Promise.reject(new BackendError(`The ${forced} backend needs a browser; in Node use wasm or cpu.`));
  }
  const key = forced ?? 'auto';
  if (pending && pendingKey === key) return pending;
  pendingKey = key;
  pending = (async () => {
    // Silences TF.js's "install tfjs-node" warning (tfjs-node cannot be installed here). Not IS_TEST:
    // that also turns on a kernel leak check which counts tensors saved by tf.customGrad as leaks.
    tf.env().set('PROD', true);
    setWasmPaths(wasmDir());
    installFastKernels();
    const choice = await chooseBackend({ candidates: ['wasm', 'cpu'], activate: setTfBackend }, { override: forced, benchmark: false });
    if (forced && choice.backend !== forced) {
      throw new BackendError(`TF_BACKEND/--backend asked for "${forced}" but it could not start: ${choice.notes.join(' ')}`);
    }
    return choice;
  })();
  return pending;
}
