'use client';
/** Generation from random codes, and "add noise in latent space" around one test digit. */
import { DigitCanvas, imageAt } from '@/app/_components/media/DigitCanvas';
import { NumberField } from '@/app/_components/NumberField';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { request } from '@/app/_workers/client';
import { IMAGE_LAB_LIMITS } from '@/lib/image/lab-url';
import type { ViewProps } from './types';

export function GenerateView({ model, version, testCount, url, setUrl, onError }: ViewProps) {
  const seed = url.gseed;
  const index = Math.min(url.ni, testCount - 1);
  const sigma = url.nsigma;
  const gen = useWorkerResult(() => request({ type: 'image:generate', n: 16, seed }, 'image:images'), [version, seed, model.id], onError);
  const noisy = useWorkerResult(
    () => request({ type: 'image:latent-noise', index, sigma, n: 8, seed }, 'image:images'),
    [version, seed, index, sigma, model.id],
    onError,
  );
  const original = useWorkerResult(() => request({ type: 'image:digits', indices: [index] }, 'image:images'), [index], onError);
  return (
    <section aria-labelledby="gen-h">
      <h2 id="gen-h">Generate</h2>
      <p className="muted">
        16 codes drawn at random from a standard normal (seed {seed}), decoded.{' '}
        {model.variational
          ? 'A VAE was trained so that such codes decode to plausible digits.'
          : 'This is not a VAE: random codes can land where no digit lives — compare with the VAE.'}
      </p>
      <div className="controls">
        <label>
          Seed{' '}
          <NumberField
            min={IMAGE_LAB_LIMITS.seed[0]}
            max={IMAGE_LAB_LIMITS.seed[1]}
            value={seed}
            onCommit={(v) => setUrl({ gseed: v })}
            data-testid="gen-seed"
          />
        </label>
        <button type="button" onClick={() => setUrl({ gseed: Math.floor(Math.random() * 1_000_000) })} data-testid="gen-new">
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
      <p className="muted">
        Encode one test digit, add Gaussian noise of size σ to its code 8 times, decode: small σ gives close cousins, large σ wanders off.
      </p>
      <div className="controls">
        <label>
          Test digit # <NumberField min={0} max={testCount - 1} value={index} onCommit={(v) => setUrl({ ni: v })} data-testid="noise-index" />
        </label>
        <label>
          σ {sigma.toFixed(2)}{' '}
          <input
            type="range"
            min={0}
            max={3}
            step={0.05}
            value={sigma}
            onChange={(e) => setUrl({ nsigma: Number(e.target.value) })}
            data-testid="noise-sigma"
          />
        </label>
      </div>
      <div className="digit-grid" data-testid="noise-grid">
        {original.value && <DigitCanvas pixels={original.value.images} title="the original" selected />}
        {noisy.value &&
          Array.from({ length: noisy.value.count }, (_, i) => (
            <DigitCanvas key={i} pixels={imageAt(noisy.value?.images ?? new Float32Array(), i)} title={`variation ${i + 1}`} />
          ))}
      </div>
    </section>
  );
}
