'use client';
/** Reconstructions: test digits, what the model sees, what it rebuilds, with PSNR. */
import { DigitCanvas, imageAt } from '@/app/_components/media/DigitCanvas';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { request } from '@/app/_workers/client';
import { pickTestIndices } from '@/lib/image/mnist';
import { meanOfPsnrs } from '@/lib/image/psnr';
import { DOWNSAMPLE_KERNELS, type DownsampleKernel } from '@/lib/image/specs';
import type { ViewProps } from './types';

const KERNEL_NAMES: Record<DownsampleKernel, string> = {
  box: 'averaging each block (box)',
  point: 'keeping one pixel per block (point)',
  bilinear: 'a bilinear filter',
  bicubic: 'a bicubic filter',
};

export function ReconstructionsView({ model, version, testCount, url, setUrl, onError }: ViewProps) {
  const seed = url.rs;
  const sigma = url.sigma ?? model.noiseSigma ?? 0.5;
  const kernel = url.kernel;
  const small = model.corruption === 'downsample';
  const indices = pickTestIndices(seed, 10, testCount);
  const { value, loading } = useWorkerResult(
    () =>
      request(
        { type: 'image:reconstruct', indices, seed: 1, sigma: model.corruption === 'noise' ? sigma : undefined, kernel: small ? kernel : undefined },
        'image:reconstruct:done',
      ),
    [version, seed, sigma, kernel, model.id],
    onError,
  );
  const mean = (xs: number[] | null | undefined): string => (xs && xs.length ? meanOfPsnrs(xs).toFixed(1) : '—');
  return (
    <section aria-labelledby="rec-h">
      <h2 id="rec-h">Reconstructions</h2>
      <p className="muted">
        Top: test digits the model never trained on. {model.corruption === 'noise' ? 'Middle: what the model sees (with noise). ' : ''}
        {small ? `Middle: what the model sees (${model.inputSize}×${model.inputSize}, made by ${KERNEL_NAMES[kernel]}). ` : ''}
        Bottom: what it rebuilds from a code of {model.zDims.toLocaleString('en')} numbers. PSNR (higher is better) under each.
      </p>
      {model.zDims === 2 && (
        <p className="notice" data-testid="squeeze-note">
          <strong>Two numbers per digit.</strong> This model must describe every digit with a code of just 2 numbers — a point on a plane you can draw. Ten
          kinds of digits do not fit apart on a plane: look-alikes (4 and 9, 3, 5 and 8, 7 and 9) share neighbourhoods, so some digits come back as a
          similar-looking other digit. That squeeze is the price of a code you can see (open <em>Latent space</em> and <em>Manifold grid</em>); the dense
          autoencoder, with 32 numbers, rebuilds the same digits faithfully.
        </p>
      )}
      <div className="controls">
        <button type="button" onClick={() => setUrl({ rs: Math.floor(Math.random() * 1_000_000) + 1 })} data-testid="recon-shuffle">
          Other digits
        </button>
        {model.corruption === 'noise' && (
          <label>
            Noise σ {sigma.toFixed(2)}{' '}
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              value={sigma}
              onChange={(e) => setUrl({ sigma: Number(e.target.value) })}
              data-testid="recon-sigma"
            />
          </label>
        )}
        {small && (
          <label>
            Small digit made by{' '}
            <select value={kernel} onChange={(e) => setUrl({ kernel: e.target.value as DownsampleKernel })} data-testid="recon-kernel">
              {DOWNSAMPLE_KERNELS.map((k) => (
                <option key={k} value={k}>
                  {KERNEL_NAMES[k]}
                </option>
              ))}
            </select>
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
