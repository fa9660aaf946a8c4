'use client';
/** The manifold grid of a 2-D code: the whole code plane decoded at a glance; click to decode a point. */
import { useEffect, useRef, useState } from 'react';
import { DigitCanvas } from '@/app/_components/media/DigitCanvas';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { request } from '@/app/_workers/client';
import { describeError } from '@/lib/core/errors';
import { IMAGE_PIXELS, IMAGE_SIZE } from '@/lib/image/specs';
import type { ViewProps } from './types';

export function ManifoldView({ model, version, url, setUrl, onError }: ViewProps) {
  const n = url.grid;
  const range = url.range;
  const [picked, setPicked] = useState<{ z: [number, number]; pixels: Float32Array }>();
  // The picked point lives in the URL (`z=x,y`), so a link (or a classroom challenge) opens on it.
  const zx = url.z?.[0];
  const zy = url.z?.[1];
  useEffect(() => {
    if (zx === undefined || zy === undefined || model.zDims !== 2) return;
    let live = true;
    const z: [number, number] = [zx, zy];
    decodePoint(z)
      .then((pixels) => live && setPicked({ z, pixels }))
      .catch((error: unknown) => live && onError(describeError(error)));
    return () => {
      live = false;
    };
  }, [zx, zy, version, model.zDims, onError]);
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
    const img = ctx.createImageData(n * IMAGE_SIZE, n * IMAGE_SIZE);
    for (let cell = 0; cell < n * n; cell++) {
      const r = Math.floor(cell / n);
      const c = cell % n;
      for (let p = 0; p < IMAGE_PIXELS; p++) {
        const v = Math.round(255 * Math.min(1, Math.max(0, value.images[cell * IMAGE_PIXELS + p] ?? 0)));
        const x = c * IMAGE_SIZE + (p % IMAGE_SIZE);
        const y = r * IMAGE_SIZE + Math.floor(p / IMAGE_SIZE);
        const o = (y * n * IMAGE_SIZE + x) * 4;
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
        Codes on an even {n}×{n} grid over [−{range}, {range}]², each decoded: the whole 2-D latent space at a glance. Click anywhere to decode exactly that
        point.
      </p>
      <div className="controls">
        <label>
          Grid {n}×{n} <input type="range" min={5} max={30} value={n} onChange={(e) => setUrl({ grid: Number(e.target.value) })} data-testid="manifold-n" />
        </label>
        <label>
          Range ±{range.toFixed(1)}{' '}
          <input
            type="range"
            min={0.5}
            max={6}
            step={0.5}
            value={range}
            onChange={(e) => setUrl({ range: Number(e.target.value) })}
            data-testid="manifold-range"
          />
        </label>
        {loading && <span className="muted">decoding…</span>}
      </div>
      <div className="latent-row">
        <canvas
          ref={ref}
          width={n * IMAGE_SIZE}
          height={n * IMAGE_SIZE}
          className="manifold"
          data-testid="manifold-grid"
          aria-label={`Decoded ${n}×${n} grid of the latent plane`}
          onClick={(e) => {
            const [x, y] = codeAt(e);
            const round = (v: number): number => Math.round(v * 1000) / 1000;
            setUrl({ z: [round(x), round(y)] });
          }}
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
