'use client';
/** The melody lab's settings: interpolation (steps, temperature, path, seed), refinement, variations; and the running work. */
import { NumberField } from '@/app/_components/NumberField';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { RangeField } from '@/app/_components/RangeField';
import type { CallProgress } from '@/app/_components/useWorkerCall';
import { MAX_SEED } from '@/lib/core/random';
import { LAB_MAX_REFINE_STEPS, MELODY_LAB_LIMITS, type MelodyLabState } from '@/lib/music/lab-url';

export interface MelodyControlsProps {
  url: MelodyLabState;
  setParams(patch: Partial<MelodyLabState>): void;
  ready: boolean;
  /** What the running request does, in words. */
  busy: string | undefined;
  progress: CallProgress | undefined;
  exporting: string | undefined;
  onCancel(): void;
  /** Run, with the click's time (for the click-to-picture latency). */
  onInterpolate(clickedAt: number): void;
  onVariations(clickedAt: number): void;
}

export function MelodyControls({ url, setParams, ready, busy, progress, exporting, onCancel, onInterpolate, onVariations }: MelodyControlsProps) {
  const { steps, temp: temperature, mode, seed, nvar: nVariations, sim: similarity, refine: refineSteps } = url;
  return (
    <section className="card" aria-label="Interpolate">
      <div className="controls">
        <label>
          Steps{' '}
          <NumberField
            min={MELODY_LAB_LIMITS.steps[0]}
            max={MELODY_LAB_LIMITS.steps[1]}
            value={steps}
            onCommit={(v) => setParams({ steps: v })}
            data-testid="interp-steps"
          />
        </label>
        <RangeField
          label="Temperature"
          min={MELODY_LAB_LIMITS.temperature[0]}
          max={MELODY_LAB_LIMITS.temperature[1]}
          step={0.05}
          value={temperature}
          onChange={(v) => setParams({ temp: v })}
          format={(t) => (t === 0 ? '0 (most likely notes)' : t.toFixed(2))}
          data-testid="interp-temperature"
        />
        <label>
          Path{' '}
          <select value={mode} onChange={(e) => setParams({ mode: e.target.value === 'lerp' ? 'lerp' : 'slerp' })} data-testid="interp-mode">
            <option value="slerp">slerp (along the sphere)</option>
            <option value="lerp">lerp (straight line)</option>
          </select>
        </label>
        <label>
          Seed{' '}
          <NumberField
            min={0}
            max={MAX_SEED}
            value={seed}
            onCommit={(v) => setParams({ seed: v })}
            title="Seeds the random codes of variations and temperature sampling"
            data-testid="interp-seed"
          />
        </label>
        <button type="button" onClick={(e) => onInterpolate(e.timeStamp)} disabled={!ready || busy !== undefined} data-testid="interpolate">
          Interpolate A → B
        </button>
      </div>
      <div className="controls">
        <label title="The encoder guesses a code for a melody in one pass; refining then adjusts the code step by step until the decoder rebuilds the melody as closely as it can. Turn it off to see what the encoder alone gets right.">
          <input
            type="checkbox"
            checked={refineSteps > 0}
            onChange={(e) => setParams({ refine: e.target.checked ? undefined : 0 })}
            data-testid="refine-toggle"
          />{' '}
          Refine the codes of A and B
        </label>
        {refineSteps > 0 && (
          <label>
            Refinement steps{' '}
            <NumberField min={1} max={LAB_MAX_REFINE_STEPS} value={refineSteps} onCommit={(v) => setParams({ refine: v })} data-testid="refine-steps" />
          </label>
        )}
        <span className="muted">
          {refineSteps > 0
            ? 'so A and B come back as themselves'
            : "the encoder's guess alone (a lesson in itself: compare the ends of the strip with A and B)"}
        </span>
      </div>
      <div className="controls">
        <label>
          Variations of A{' '}
          <NumberField
            min={MELODY_LAB_LIMITS.variations[0]}
            max={MELODY_LAB_LIMITS.variations[1]}
            value={nVariations}
            onCommit={(v) => setParams({ nvar: v })}
            data-testid="variations-n"
          />
        </label>
        <RangeField
          label="Similarity"
          min={MELODY_LAB_LIMITS.similarity[0]}
          max={MELODY_LAB_LIMITS.similarity[1]}
          step={0.05}
          value={similarity}
          onChange={(v) => setParams({ sim: v })}
          format={(v) => `${Math.round(v * 100)}%`}
          data-testid="variations-similarity"
        />
        <button type="button" onClick={(e) => onVariations(e.timeStamp)} disabled={!ready || busy !== undefined} data-testid="variations">
          Make variations
        </button>
      </div>
      {busy && (
        <div className="busy-row">
          <ProgressBar label={progress?.label ?? busy} fraction={progress?.fraction} testId="music-busy" />
          {progress && (
            <button type="button" onClick={onCancel} data-testid="music-cancel">
              Cancel
            </button>
          )}
        </div>
      )}
      {exporting && <ProgressBar label={exporting} testId="music-exporting" />}
    </section>
  );
}
