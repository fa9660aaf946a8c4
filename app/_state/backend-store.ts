'use client';
/**
 * Which TF.js backend the model worker runs on, for the header badge and the "no GPU" notice.
 * The choice is made once per tab; `?backend=…` (kept for the session) forces one.
 */
import { create } from 'zustand';
import { BACKEND_NAMES, parseBackendName, type BackendName } from '@/lib/core/backend-names';
import { describeError } from '@/lib/core/errors';
import type { BackendInfo } from '../_workers/protocol';
import { initModelWorker } from '../_workers/client';

const CACHE_KEY = 'latent-lab:backend-choice:v1';
const OVERRIDE_KEY = 'latent-lab:backend-override';

export type BackendState =
  | { status: 'idle' | 'starting' }
  | { status: 'ready'; info: BackendInfo; override: BackendName | undefined; warning: string | undefined }
  | { status: 'error'; message: string };

interface BackendStore {
  state: BackendState;
  start(): void;
}

function readCached(): BackendName | undefined {
  try {
    const raw = localStorage.getItem(CACHE_KEY);
    if (!raw) return undefined;
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || !('backend' in parsed) || !('userAgent' in parsed)) return undefined;
    if (parsed.userAgent !== navigator.userAgent || typeof parsed.backend !== 'string') return undefined;
    return parseBackendName(parsed.backend);
  } catch {
    return undefined;
  }
}

/** Reads `?backend=` (remembered for this tab) and says if it was not a known name. */
function readOverride(): { override: BackendName | undefined; warning: string | undefined } {
  const fromUrl = new URLSearchParams(window.location.search).get('backend');
  try {
    if (fromUrl !== null) {
      if (fromUrl === 'auto') {
        sessionStorage.removeItem(OVERRIDE_KEY);
        return { override: undefined, warning: undefined };
      }
      const override = parseBackendName(fromUrl, '?backend');
      if (override) sessionStorage.setItem(OVERRIDE_KEY, override);
      return { override, warning: undefined };
    }
    return { override: parseBackendName(sessionStorage.getItem(OVERRIDE_KEY)), warning: undefined };
  } catch (error) {
    return { override: undefined, warning: `${describeError(error)} Using the automatic choice. (Valid: ${BACKEND_NAMES.join(', ')}, auto.)` };
  }
}

export const useBackendStore = create<BackendStore>((set, get) => ({
  state: { status: 'idle' },
  start() {
    if (get().state.status !== 'idle') return;
    set({ state: { status: 'starting' } });
    const { override, warning } = readOverride();
    initModelWorker({ override, cached: readCached() })
      .then((info) => {
        if (info.reason === 'benchmark' || info.reason === 'only-option') {
          try {
            localStorage.setItem(CACHE_KEY, JSON.stringify({ backend: info.backend, userAgent: navigator.userAgent, timings: info.timings }));
          } catch {
            // Private mode: the choice is just not remembered.
          }
        }
        const failedOverride = override && info.backend !== override ? `The backend "${override}" could not start here; using ${info.backend}.` : undefined;
        set({ state: { status: 'ready', info, override, warning: warning ?? failedOverride } });
      })
      .catch((error: unknown) => set({ state: { status: 'error', message: describeError(error) } }));
  },
}));

/** True when neither WebGL nor a real WebGPU adapter exists, so everything runs on the CPU. */
export function lacksGpu(info: BackendInfo): boolean {
  return !info.gpu.webgl.available && !(info.gpu.webgpu.available && !info.gpu.webgpu.fallback);
}
