'use client';
/** Interpolation strips between two test digits (lerp or slerp between their codes). */
import { useState } from 'react';
import { DigitCanvas, imageAt } from '@/app/_components/media/DigitCanvas';
import { NumberField } from '@/app/_components/NumberField';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { request } from '@/app/_workers/client';
import { IMAGE_LAB_LIMITS } from '@/lib/image/lab-url';
import type { ViewProps } from './types';

export function InterpolateView({ model, version, testCount, url, setUrl, onError }: ViewProps) {
  const a = Math.min(url.a, testCount - 1);
  const b = Math.min(url.b, testCount - 1);
  const steps = url.steps;
  const mode = url.mode;
  const [picking, setPicking] = useState<'a' | 'b'>('a');
  const choices = useWorkerResult(
    () => request({ type: 'image:digits', indices: Array.from({ length: Math.min(30, testCount) }, (_, i) => i) }, 'image:images'),
    [testCount],
    onError,
  );
  const strip = useWorkerResult(
    () => request({ type: 'image:interpolate', a, b, steps, mode }, 'image:images'),
    [version, a, b, steps, mode, model.id],
    onError,
  );
  return (
    <section aria-labelledby="int-h">
      <h2 id="int-h">Interpolation</h2>
      <p className="muted">
        Encode digit A and digit B, walk the straight line (lerp) or the great circle (slerp) between their codes in {steps} steps, and decode every step. The
        framed digits at both ends are A and B as drawn; the first and last steps are how the model rebuilds them.
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
          Steps{' '}
          <NumberField
            min={IMAGE_LAB_LIMITS.steps[0]}
            max={IMAGE_LAB_LIMITS.steps[1]}
            value={steps}
            onCommit={(v) => setUrl({ steps: v })}
            data-testid="interp-steps-image"
          />
        </label>
        <label>
          Path{' '}
          <select value={mode} onChange={(e) => setUrl({ mode: e.target.value === 'slerp' ? 'slerp' : 'lerp' })} data-testid="interp-mode">
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
                setUrl(picking === 'a' ? { a: i } : { b: i });
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
            <DigitCanvas
              key={i}
              pixels={imageAt(strip.value?.images ?? new Float32Array(), i)}
              title={i === 0 ? 'A' : i === (strip.value?.count ?? 0) - 1 ? 'B' : `step ${i}`}
              testId="interp-image"
            />
          ))}
          {choices.value && b < choices.value.count && <DigitCanvas pixels={imageAt(choices.value.images, b)} title={`digit B (#${b}) as drawn`} selected />}
        </div>
      )}
    </section>
  );
}
