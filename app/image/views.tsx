'use client';
/** The image lab's views. Each asks the model worker for plain arrays and draws them. */
import { describeError } from '@/lib/core/errors';
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState } from 'react';
import { DigitCanvas, imageAt } from '@/app/_components/DigitCanvas';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { PlotFigure } from '@/app/_components/PlotFigure';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { enumParam, intParam, numParam, type Patch } from '@/app/_components/url-state';
import { request } from '@/app/_workers/client';
import type { ModelInfo } from '@/app/_workers/image-protocol';
import type { WorkerResponse } from '@/app/_workers/protocol';
import { formatCode, parseCode } from '@/lib/classroom/challenge';

export interface ViewProps {
  model: ModelInfo;
  /** Bumped whenever the weights change (training, loading): views recompute. */
  version: number;
  testCount: number;
  testLabels: Uint8Array;
  params: URLSearchParams;
  setParams: (patch: Patch) => void;
  onError: (message: string) => void;
  /** True while training runs: heavy views wait for the epoch boundary. */
  training: boolean;
}

/** `n` distinct test-digit indices chosen by a seed (0 = the first n). */
function pickIndices(seed: number, n: number, count: number): number[] {
  if (seed === 0) return Array.from({ length: Math.min(n, count) }, (_, i) => i);
  const out = new Set<number>();
  let s = seed >>> 0;
  while (out.size < Math.min(n, count)) {
    s = (Math.imul(s ^ (s >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    out.add(s % count);
  }
  return [...out];
}

export function ReconstructionsView({ model, version, testCount, params, setParams, onError }: ViewProps) {
  const seed = intParam(params, 'rs', 0, 0, 1_000_000);
  const sigma = numParam(params, 'sigma', model.noiseSigma ?? 0.5, 0, 2);
  const indices = pickIndices(seed, 10, testCount);
  const { value, loading } = useWorkerResult(
    () => request({ type: 'image:reconstruct', indices, seed: 1, sigma: model.corruption === 'noise' ? sigma : undefined }, 'image:reconstruct:done'),
    [version, seed, sigma, model.id],
    onError,
  );
  const mean = (xs: number[] | null | undefined): string => (xs && xs.length ? (xs.reduce((a, b) => a + Math.min(b, 100), 0) / xs.length).toFixed(1) : '—');
  return (
    <section aria-labelledby="rec-h">
      <h2 id="rec-h">Reconstructions</h2>
      <p className="muted">
        Top: test digits the model never trained on. {model.corruption === 'noise' ? 'Middle: what the model sees (with noise). ' : ''}
        {model.corruption === 'downsample' ? `Middle: what the model sees (${model.inputSize}×${model.inputSize}). ` : ''}
        Bottom: what it rebuilds from a code of {model.zDims} numbers. PSNR (higher is better) under each.
      </p>
      <div className="controls">
        <button type="button" onClick={() => setParams({ rs: Math.floor(Math.random() * 1_000_000) + 1 })} data-testid="recon-shuffle">
          Other digits
        </button>
        {model.corruption === 'noise' && (
          <label>
            Noise σ {sigma.toFixed(2)}{' '}
            <input type="range" min={0} max={1} step={0.05} value={sigma} onChange={(e) => setParams({ sigma: e.target.value })} data-testid="recon-sigma" />
          </label>
        )}
        {loading && <span className="muted">computing…</span>}
      </div>
      {value && (
        <div className="recon-grid" data-testid="recon-grid" data-version={version}>
          {value.indices.map((index, i) => (
            <figure key={`${index}-${i}`} className="recon-col">
              <DigitCanvas pixels={imageAt(value.clean, i)} title={`test digit #${index} (a ${value.labels[i]})`} />
              {value.corrupted && <DigitCanvas pixels={imageAt(value.corrupted, i, value.inputSize)} size={value.inputSize} title="model input" />}
              <DigitCanvas pixels={imageAt(value.outputs, i)} title="reconstruction" testId="recon-output" />
              <figcaption>
                {(value.psnr[i] ?? 0).toFixed(1)} dB
                {value.inputPsnr && <span className="muted"> (in {(value.inputPsnr[i] ?? 0).toFixed(1)})</span>}
              </figcaption>
            </figure>
          ))}
          <p className="muted recon-mean" data-testid="recon-psnr">
            Mean PSNR {mean(value.psnr)} dB{value.inputPsnr ? `; the model's input: ${mean(value.inputPsnr)} dB` : ''}
          </p>
        </div>
      )}
    </section>
  );
}

type Scatter = Extract<WorkerResponse, { type: 'image:scatter:done' }>;

export function LatentView({ model, version, params, setParams, onError, training }: ViewProps) {
  const method = enumParam(params, 'proj', ['pca', 'umap'] as const, 'pca');
  const [progress, setProgress] = useState<number>();
  const [hovered, setHovered] = useState<{ index: number; pixels: Float32Array }>();
  const [drawn, setDrawn] = useState<Extract<WorkerResponse, { type: 'image:drawn:done' }>>();
  const scatter = useWorkerResult<Scatter>(
    async () => {
      setProgress(undefined);
      try {
        return await request({ type: 'image:scatter', method }, 'image:scatter:done', (e) => {
          if (e.type === 'image:progress') setProgress(e.fraction);
        });
      } finally {
        setProgress(undefined);
      }
    },
    [version, method, model.id, training ? 0 : 1],
    onError,
  );
  const value = scatter.value;
  const data = value ? Array.from({ length: value.count }, (_, i) => ({ i, x: value.points[i * 2] ?? 0, y: value.points[i * 2 + 1] ?? 0, digit: String(value.labels[i] ?? '?') })) : [];
  const axis = value?.method === 'code' ? ['z₁', 'z₂'] : value?.method === 'umap' ? ['UMAP 1', 'UMAP 2'] : ['PC 1', 'PC 2'];
  const hover = (index: number | undefined) => {
    if (index === undefined || index === hovered?.index) return;
    request({ type: 'image:digits', indices: [index] }, 'image:images')
      .then((r) => setHovered({ index, pixels: r.images }))
      .catch(() => undefined);
  };
  return (
    <section aria-labelledby="lat-h">
      <h2 id="lat-h">Latent space</h2>
      <p className="muted">
        Each dot is one of the test digits, placed by its code
        {model.zDims > 2 ? ` (${model.zDims} numbers, projected to 2-D)` : ' (2 numbers: no projection needed)'} and coloured by what digit it really is. Hover a dot to see the digit;
        draw one on the pad to see where it lands.
      </p>
      {model.zDims > 2 && (
        <div className="controls">
          <label>
            Projection{' '}
            <select value={method} onChange={(e) => setParams({ proj: e.target.value })} data-testid="scatter-method">
              <option value="pca">PCA (linear, fast)</option>
              <option value="umap">UMAP (neighbourhoods, slower)</option>
            </select>
          </label>
        </div>
      )}
      {progress !== undefined && <ProgressBar label="UMAP layout" fraction={progress} />}
      <div className="latent-row">
        <PlotFigure
          label="Scatter plot of the test digits' codes"
          testId="scatter-plot"
          deps={[value, drawn?.point?.[0], drawn?.point?.[1]]}
          render={() => {
            if (!value) return null;
            const figure = Plot.plot({
              width: 520,
              height: 440,
              x: { label: axis[0] },
              y: { label: axis[1] },
              color: { type: 'categorical', scheme: 'tableau10', legend: true, label: 'digit', domain: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] },
              marks: [
                Plot.dot(data, { x: 'x', y: 'y', fill: 'digit', r: 2, fillOpacity: 0.7 }),
                Plot.dot(data, Plot.pointer({ x: 'x', y: 'y', r: 7, stroke: 'currentColor', strokeWidth: 2 })),
                ...(drawn?.point ? [Plot.dot([{ x: drawn.point[0], y: drawn.point[1] }], { x: 'x', y: 'y', r: 9, symbol: 'star', fill: 'black', stroke: 'white' })] : []),
              ],
            });
            figure.addEventListener('input', () => {
              const v: unknown = (figure as unknown as { value: unknown }).value;
              if (v && typeof v === 'object' && 'i' in v && typeof v.i === 'number') hover(v.i);
            });
            return figure;
          }}
        />
        <div className="latent-side">
          <div className="hover-box" data-testid="scatter-hover">
            {hovered ? (
              <>
                <DigitCanvas pixels={hovered.pixels} display={84} title={`test digit #${hovered.index}`} />
                <span className="muted">
                  #{hovered.index}, a {value?.labels[hovered.index]}
                </span>
              </>
            ) : (
              <span className="muted">Hover a dot</span>
            )}
          </div>
          <DrawPad
            onInk={(ink, w, h) =>
              request({ type: 'image:drawn', ink, width: w, height: h }, 'image:drawn:done')
                .then(setDrawn)
                .catch((e: unknown) => onError(describeError(e)))
            }
            onClear={() => setDrawn(undefined)}
          />
          {drawn && (
            <div className="drawn-row" data-testid="drawn-result">
              <figure>
                <DigitCanvas pixels={drawn.digit} title="your digit, MNIST-style" />
                <figcaption>you</figcaption>
              </figure>
              <figure>
                <DigitCanvas pixels={drawn.output} title="the model's reconstruction" testId="drawn-output" />
                <figcaption>model</figcaption>
              </figure>
              <span className="muted">
                code: [{Array.from(drawn.code.subarray(0, 4), (v) => v.toFixed(2)).join(', ')}
                {drawn.code.length > 4 ? ', …' : ''}]
              </span>
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** A square drawing pad: white ink on black, like MNIST. Sends the ink while drawing (throttled). */
function DrawPad({ onInk, onClear }: { onInk: (ink: Float32Array, w: number, h: number) => Promise<void>; onClear: () => void }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | undefined>(undefined);
  const inFlight = useRef(false);
  const pending = useRef(false);
  const size = 196;
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (ctx) {
      ctx.fillStyle = 'black';
      ctx.fillRect(0, 0, size, size);
    }
  }, []);
  const send = () => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    if (inFlight.current) {
      pending.current = true;
      return;
    }
    const img = ctx.getImageData(0, 0, size, size);
    const ink = new Float32Array(size * size);
    for (let i = 0; i < ink.length; i++) ink[i] = (img.data[i * 4] ?? 0) / 255;
    inFlight.current = true;
    void onInk(ink, size, size).finally(() => {
      inFlight.current = false;
      if (pending.current) {
        pending.current = false;
        send();
      }
    });
  };
  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * size, y: ((e.clientY - r.top) / r.height) * size };
  };
  const stroke = (to: { x: number; y: number }) => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    const from = last.current ?? to;
    ctx.strokeStyle = 'white';
    ctx.lineWidth = 14;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x, to.y);
    ctx.stroke();
    last.current = to;
  };
  return (
    <div className="draw-pad">
      <canvas
        ref={ref}
        width={size}
        height={size}
        data-testid="draw-pad"
        aria-label="Drawing pad: draw a digit with the mouse or a finger"
        style={{ touchAction: 'none' }}
        onPointerDown={(e) => {
          drawing.current = true;
          last.current = undefined;
          e.currentTarget.setPointerCapture(e.pointerId);
          stroke(point(e));
          send();
        }}
        onPointerMove={(e) => {
          if (!drawing.current) return;
          stroke(point(e));
          send();
        }}
        onPointerUp={() => {
          drawing.current = false;
          send();
        }}
      />
      <button
        type="button"
        onClick={() => {
          const ctx = ref.current?.getContext('2d');
          if (ctx) ctx.fillRect(0, 0, size, size);
          onClear();
        }}
      >
        Clear pad
      </button>
    </div>
  );
}

export function ManifoldView({ model, version, params, setParams, onError }: ViewProps) {
  const n = intParam(params, 'grid', 15, 2, 30);
  const range = numParam(params, 'range', 3, 0.5, 10);
  const [picked, setPicked] = useState<{ z: [number, number]; pixels: Float32Array }>();
  // The picked point lives in the URL (`z=x,y`), so a link (or a classroom challenge) opens on it.
  const zText = params.get('z');
  useEffect(() => {
    const z = parseCode(zText);
    if (!z || model.zDims !== 2) return;
    let live = true;
    decodePoint(z)
      .then((pixels) => live && setPicked({ z, pixels }))
      .catch((error: unknown) => live && onError(describeError(error)));
    return () => {
      live = false;
    };
  }, [zText, version, model.zDims, onError]);
  const ref = useRef<HTMLCanvasElement>(null);
  const enabled = model.zDims === 2;
  const { value, loading } = useWorkerResult(
    () => (enabled ? request({ type: 'image:manifold', n, range }, 'image:images') : Promise.resolve(undefined)),
    [version, n, range, model.id, enabled],
    onError,
  );
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || !value) return;
    const img = ctx.createImageData(n * 28, n * 28);
    for (let cell = 0; cell < n * n; cell++) {
      const r = Math.floor(cell / n);
      const c = cell % n;
      for (let p = 0; p < 784; p++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, value.images[cell * 784 + p] ?? 0)));
        const x = c * 28 + (p % 28);
        const y = r * 28 + Math.floor(p / 28);
        const o = (y * n * 28 + x) * 4;
        img.data[o] = v;
        img.data[o + 1] = v;
        img.data[o + 2] = v;
        img.data[o + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
  }, [value, n]);
  if (!enabled) {
    return (
      <section>
        <h2>Manifold grid</h2>
        <p className="muted" data-testid="manifold-unavailable">
          The manifold grid walks a 2-D code plane; this model&apos;s code has {model.zDims} numbers. Choose the VAE or the convolutional VAE (2-D codes).
        </p>
      </section>
    );
  }
  const codeAt = (e: React.MouseEvent<HTMLCanvasElement>): [number, number] => {
    const r = e.currentTarget.getBoundingClientRect();
    const fx = (e.clientX - r.left) / r.width;
    const fy = (e.clientY - r.top) / r.height;
    return [-range + 2 * range * fx, range - 2 * range * fy];
  };
  return (
    <section aria-labelledby="man-h">
      <h2 id="man-h">Manifold grid</h2>
      <p className="muted">
        Codes on an even {n}×{n} grid over [−{range}, {range}]², each decoded: the whole 2-D latent space at a glance. Click anywhere to decode exactly that point.
      </p>
      <div className="controls">
        <label>
          Grid {n}×{n} <input type="range" min={5} max={30} value={n} onChange={(e) => setParams({ grid: e.target.value })} data-testid="manifold-n" />
        </label>
        <label>
          Range ±{range.toFixed(1)} <input type="range" min={0.5} max={6} step={0.5} value={range} onChange={(e) => setParams({ range: e.target.value })} data-testid="manifold-range" />
        </label>
        {loading && <span className="muted">decoding…</span>}
      </div>
      <div className="latent-row">
        <canvas
          ref={ref}
          width={n * 28}
          height={n * 28}
          className="manifold"
          data-testid="manifold-grid"
          aria-label={`Decoded ${n}×${n} grid of the latent plane`}
          onClick={(e) => setParams({ z: formatCode(codeAt(e)) })}
        />
        {picked && (
          <figure data-testid="manifold-picked">
            <DigitCanvas pixels={picked.pixels} display={112} title="decoded point" />
            <figcaption>
              z = ({picked.z[0].toFixed(2)}, {picked.z[1].toFixed(2)})
            </figcaption>
          </figure>
        )}
      </div>
    </section>
  );
}

async function decodePoint(z: [number, number]): Promise<Float32Array> {
  const r = await request({ type: 'image:decode', codes: Float32Array.from(z), count: 1 }, 'image:images');
  return r.images;
}

export function GenerateView({ model, version, testCount, params, setParams, onError }: ViewProps) {
  const seed = intParam(params, 'gseed', 1, 0, 0xffffffff);
  const index = intParam(params, 'ni', 0, 0, testCount - 1);
  const sigma = numParam(params, 'nsigma', 0.5, 0, 5);
  const gen = useWorkerResult(() => request({ type: 'image:generate', n: 16, seed }, 'image:images'), [version, seed, model.id], onError);
  const noisy = useWorkerResult(() => request({ type: 'image:latent-noise', index, sigma, n: 8, seed }, 'image:images'), [version, seed, index, sigma, model.id], onError);
  const original = useWorkerResult(() => request({ type: 'image:digits', indices: [index] }, 'image:images'), [index], onError);
  return (
    <section aria-labelledby="gen-h">
      <h2 id="gen-h">Generate</h2>
      <p className="muted">
        16 codes drawn at random from a standard normal (seed {seed}), decoded.{' '}
        {model.variational ? 'A VAE was trained so that such codes decode to plausible digits.' : 'This is not a VAE: random codes can land where no digit lives — compare with the VAE.'}
      </p>
      <div className="controls">
        <label>
          Seed <input type="number" min={0} value={seed} onChange={(e) => setParams({ gseed: e.target.value })} data-testid="gen-seed" />
        </label>
        <button type="button" onClick={() => setParams({ gseed: Math.floor(Math.random() * 1_000_000) })} data-testid="gen-new">
          New seed
        </button>
      </div>
      {gen.value && (
        <div className="digit-grid" data-testid="generate-grid">
          {Array.from({ length: gen.value.count }, (_, i) => (
            <DigitCanvas key={i} pixels={imageAt(gen.value?.images ?? new Float32Array(), i)} title={`sample ${i + 1}`} />
          ))}
        </div>
      )}
      <h3>Add noise in latent space</h3>
      <p className="muted">Encode one test digit, add Gaussian noise of size σ to its code 8 times, decode: small σ gives close cousins, large σ wanders off.</p>
      <div className="controls">
        <label>
          Test digit # <input type="number" min={0} max={testCount - 1} value={index} onChange={(e) => setParams({ ni: e.target.value })} data-testid="noise-index" />
        </label>
        <label>
          σ {sigma.toFixed(2)} <input type="range" min={0} max={3} step={0.05} value={sigma} onChange={(e) => setParams({ nsigma: e.target.value })} data-testid="noise-sigma" />
        </label>
      </div>
      <div className="digit-grid" data-testid="noise-grid">
        {original.value && <DigitCanvas pixels={original.value.images} title="the original" selected />}
        {noisy.value && Array.from({ length: noisy.value.count }, (_, i) => <DigitCanvas key={i} pixels={imageAt(noisy.value?.images ?? new Float32Array(), i)} title={`variation ${i + 1}`} />)}
      </div>
    </section>
  );
}

export function InterpolateView({ model, version, testCount, params, setParams, onError }: ViewProps) {
  const a = intParam(params, 'a', 0, 0, testCount - 1);
  const b = intParam(params, 'b', 1, 0, testCount - 1);
  const steps = intParam(params, 'steps', 10, 2, 32);
  const mode = enumParam(params, 'mode', ['lerp', 'slerp'] as const, 'lerp');
  const [picking, setPicking] = useState<'a' | 'b'>('a');
  const choices = useWorkerResult(() => request({ type: 'image:digits', indices: Array.from({ length: Math.min(30, testCount) }, (_, i) => i) }, 'image:images'), [testCount], onError);
  const strip = useWorkerResult(() => request({ type: 'image:interpolate', a, b, steps, mode }, 'image:images'), [version, a, b, steps, mode, model.id], onError);
  return (
    <section aria-labelledby="int-h">
      <h2 id="int-h">Interpolation</h2>
      <p className="muted">
        Encode digit A and digit B, walk the straight line (lerp) or the great circle (slerp) between their codes in {steps} steps, and decode every step. The framed digits at both ends are A and B as drawn; the first and last steps are how the model rebuilds them.
      </p>
      <div className="controls">
        <span>Pick</span>
        <label>
          <input type="radio" checked={picking === 'a'} onChange={() => setPicking('a')} /> A (#{a})
        </label>
        <label>
          <input type="radio" checked={picking === 'b'} onChange={() => setPicking('b')} /> B (#{b})
        </label>
        <label>
          Steps <input type="number" min={2} max={32} value={steps} onChange={(e) => setParams({ steps: e.target.value })} data-testid="interp-steps-image" />
        </label>
        <label>
          <select value={mode} onChange={(e) => setParams({ mode: e.target.value })} data-testid="interp-mode">
            <option value="lerp">lerp</option>
            <option value="slerp">slerp</option>
          </select>
        </label>
      </div>
      {choices.value && (
        <div className="digit-grid small" data-testid="interp-choices">
          {Array.from({ length: choices.value.count }, (_, i) => (
            <DigitCanvas
              key={i}
              pixels={imageAt(choices.value?.images ?? new Float32Array(), i)}
              display={36}
              title={`test digit #${i}`}
              selected={i === a || i === b}
              onClick={() => {
                setParams(picking === 'a' ? { a: i } : { b: i });
                setPicking(picking === 'a' ? 'b' : 'a');
              }}
            />
          ))}
        </div>
      )}
      {strip.value && (
        <div className="digit-strip" data-testid="interp-strip">
          {choices.value && a < choices.value.count && <DigitCanvas pixels={imageAt(choices.value.images, a)} title={`digit A (#${a}) as drawn`} selected />}
          {Array.from({ length: strip.value.count }, (_, i) => (
            <DigitCanvas key={i} pixels={imageAt(strip.value?.images ?? new Float32Array(), i)} title={i === 0 ? 'A' : i === (strip.value?.count ?? 0) - 1 ? 'B' : `step ${i}`} testId="interp-image" />
          ))}
          {choices.value && b < choices.value.count && <DigitCanvas pixels={imageAt(choices.value.images, b)} title={`digit B (#${b}) as drawn`} selected />}
        </div>
      )}
    </section>
  );
}

export function BaselineView({ model, version, onError }: ViewProps) {
  const [answer, setAnswer] = useState<{ key: string; value: Extract<WorkerResponse, { type: 'image:baseline:done' }> }>();
  const [running, setRunning] = useState(false);
  const key = `${model.id}:${version}`;
  // A result for older weights is not shown.
  const result = answer?.key === key ? answer.value : undefined;
  const run = () => {
    setRunning(true);
    request({ type: 'image:baseline', count: 500 }, 'image:baseline:done')
      .then((value) => setAnswer({ key, value }))
      .catch((e: unknown) => onError(describeError(e)))
      .finally(() => setRunning(false));
  };
  return (
    <section aria-labelledby="pca-h">
      <h2 id="pca-h">PCA baseline</h2>
      <p className="muted">
        PCA keeps the best linear code of the same size ({Math.min(model.zDims, 784)} numbers). Does the autoencoder&apos;s non-linear code do better? Measured on 500 test digits
        {model.corruption === 'noise' ? ' (PCA projects the same noisy input: classic PCA denoising)' : ''}.
      </p>
      <button type="button" onClick={run} disabled={running} data-testid="baseline-run">
        {running ? 'Fitting PCA on 8,000 digits…' : 'Compare with PCA'}
      </button>
      {running && <ProgressBar label="Fitting PCA" fraction={0.5} />}
      {result && (
        <>
          <table className="baseline" data-testid="baseline-table">
            <thead>
              <tr>
                <th />
                <th>MSE</th>
                <th>BCE</th>
                <th>PSNR (dB)</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th>PCA, {result.k} components (keeps {(result.explained * 100).toFixed(1)}% of the variance)</th>
                <td>{result.pca.mse.toFixed(4)}</td>
                <td>{result.pca.bce.toFixed(4)}</td>
                <td>{result.pca.psnr.toFixed(2)}</td>
              </tr>
              <tr>
                <th>{model.title}</th>
                <td>{result.model.mse.toFixed(4)}</td>
                <td>{result.model.bce.toFixed(4)}</td>
                <td>{result.model.psnr.toFixed(2)}</td>
              </tr>
            </tbody>
          </table>
          <div className="baseline-rows">
            {(['clean', 'pcaImages', 'modelImages'] as const).map((key) => (
              <div key={key} className="digit-grid">
                <span className="row-label">{key === 'clean' ? 'original' : key === 'pcaImages' ? 'PCA' : 'model'}</span>
                {Array.from({ length: 8 }, (_, i) => (
                  <DigitCanvas key={i} pixels={imageAt(result[key], i)} display={42} />
                ))}
              </div>
            ))}
          </div>
        </>
      )}
    </section>
  );
}
