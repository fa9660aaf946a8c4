'use client';
import { useEffect, useState } from 'react';
import { BACKEND_NAMES } from '@/lib/core/backend-names';
import { describeError } from '@/lib/core/errors';
import { lacksGpu, useBackendStore } from '../_state/backend-store';
import { request } from '../_workers/client';
import type { MemoryInfo } from '../_workers/protocol';

const LABELS: Record<string, string> = { webgpu: 'WebGPU', webgl: 'WebGL', wasm: 'WASM', cpu: 'CPU' };

const REASONS: Record<string, string> = {
  override: 'chosen by you (?backend=…)',
  cached: 'the fastest here when last measured',
  benchmark: 'the fastest in a quick benchmark just now',
  'only-option': 'the only one that started',
  'first-available': 'the first that started',
};

/** Header badge: which TF.js backend runs the models, why, and a way to change it. */
export function BackendBadge() {
  const state = useBackendStore((s) => s.state);
  const start = useBackendStore((s) => s.start);
  useEffect(() => start(), [start]);

  if (state.status === 'error') {
    return (
      <span className="badge badge-error" data-testid="backend-badge" data-backend="none" title={state.message}>
        TF.js: failed
      </span>
    );
  }
  if (state.status !== 'ready') {
    return (
      <span className="badge badge-pending" data-testid="backend-badge" data-backend="" aria-busy="true">
        TF.js: choosing backend…
      </span>
    );
  }
  const { info } = state;
  return (
    <details className="badge-details">
      <summary className="badge" data-testid="backend-badge" data-backend={info.backend} data-reason={info.reason} data-timings={JSON.stringify(info.timings)}>
        TF.js: {LABELS[info.backend] ?? info.backend}
      </summary>
      <div className="badge-panel" role="dialog" aria-label="TF.js backend details">
        <p>
          Models run on <strong>{LABELS[info.backend]}</strong>, {REASONS[info.reason]}.
        </p>
        {Object.keys(info.timings).length > 0 && (
          <table className="timings">
            <caption>256×256 matrix product, median ms</caption>
            <tbody>
              {Object.entries(info.timings).map(([name, ms]) => (
                <tr key={name}>
                  <th scope="row">{LABELS[name] ?? name}</th>
                  <td>{ms.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p className="muted">
          WebGL: {info.gpu.webgl.available ? (info.gpu.webgl.renderer ?? 'yes') : 'not available'}
          <br />
          WebGPU: {info.gpu.webgpu.available ? (info.gpu.webgpu.fallback ? 'software adapter only' : (info.gpu.webgpu.description ?? 'yes')) : 'not available'}
        </p>
        {info.notes.length > 0 && (
          <ul className="muted">
            {info.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        )}
        <WorkerMemory />
        <p>
          Switch:{' '}
          {['auto', ...BACKEND_NAMES].map((name) => (
            <a key={name} href={`?backend=${name}`} className="switch-link">
              {name}
            </a>
          ))}
        </p>
      </div>
    </details>
  );
}

/** A friendly notice when the browser has no GPU path, and any backend warning. */
export function BackendNotice() {
  const state = useBackendStore((s) => s.state);
  if (state.status === 'error') {
    return (
      <div className="notice notice-error" role="alert">
        Latent Lab could not start its maths engine: {state.message}
      </div>
    );
  }
  if (state.status !== 'ready') return null;
  return (
    <>
      {state.warning && (
        <div className="notice" role="alert">
          {state.warning}
        </div>
      )}
      {lacksGpu(state.info) && (
        <div className="notice" role="status" data-testid="no-gpu-notice">
          This browser offers no WebGL or WebGPU, so Latent Lab runs its models on WebAssembly ({state.info.backend.toUpperCase()}) on your CPU. Everything
          works; training is slower. To speed it up, turn on hardware acceleration in your browser settings.
        </div>
      )}
    </>
  );
}

/** The model worker's memory, measured when asked (the WASM heap is its footprint on WASM: it never shrinks). */
function WorkerMemory() {
  const [memory, setMemory] = useState<MemoryInfo>();
  const [problem, setProblem] = useState<string>();
  const mb = (bytes: number | null): string => (bytes === null ? '—' : `${(bytes / 1048576).toFixed(1)} MB`);
  return (
    <p
      className="muted"
      data-testid="worker-memory"
      data-wasm-heap={memory?.wasmHeapBytes ?? undefined}
      data-tensor-bytes={memory?.tensorBytes}
      data-js-heap={memory?.jsHeapBytes ?? undefined}
    >
      {memory
        ? `Model worker: ${memory.tensors} tensors (${mb(memory.tensorBytes)})${memory.wasmHeapBytes !== null ? `, WASM heap ${mb(memory.wasmHeapBytes)}` : ''}${memory.jsHeapBytes !== null ? `, JS heap ${mb(memory.jsHeapBytes)}` : ''}. `
        : problem
          ? `${problem} `
          : ''}
      <button
        type="button"
        className="link-button"
        onClick={() =>
          request({ type: 'memory' }, 'memory:done')
            .then((r) => setMemory(r.memory))
            .catch((e: unknown) => setProblem(describeError(e)))
        }
        data-testid="measure-memory"
      >
        {memory ? 'Measure again' : 'Measure the model worker’s memory'}
      </button>
    </p>
  );
}
