'use client';
/** The drum lab's sampling controls: how many patterns, temperature, seed, "Sample new patterns"; and the running work. */
import { NumberField } from '@/app/_components/NumberField';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { RangeField } from '@/app/_components/RangeField';
import { MAX_SEED } from '@/lib/core/random';
import { DRUM_LAB_LIMITS, type DrumLabState } from '@/lib/music/lab-url';

export interface DrumSampleControlsProps {
  url: DrumLabState;
  ready: boolean;
  /** New sampling settings (the old patterns' edits go with them). */
  onResample(patch: { n?: number; temp?: number; seed?: number }): void;
  sampled: { sequences: readonly unknown[]; ms: number; backend: string } | undefined;
  sampling: string | undefined;
  exporting: string | undefined;
}

export function DrumSampleControls({ url, ready, onResample, sampled, sampling, exporting }: DrumSampleControlsProps) {
  const { n, temp: temperature, seed } = url;
  return (
    <section className="card" aria-label="Sample">
      <div className="controls">
        <label>
          Patterns{' '}
          <NumberField
            min={DRUM_LAB_LIMITS.patterns[0]}
            max={DRUM_LAB_LIMITS.patterns[1]}
            value={n}
            onCommit={(v) => onResample({ n: v })}
            data-testid="drums-n"
          />
        </label>
        <RangeField
          label="Temperature"
          min={DRUM_LAB_LIMITS.temperature[0]}
          max={DRUM_LAB_LIMITS.temperature[1]}
          step={0.05}
          value={temperature}
          onChange={(v) => onResample({ temp: v })}
          format={(t) => t.toFixed(2)}
          data-testid="drums-temperature"
        />
        <label>
          Seed <NumberField min={0} max={MAX_SEED} value={seed} onCommit={(v) => onResample({ seed: v })} data-testid="drums-seed" />
        </label>
        <button
          type="button"
          onClick={() => onResample({ seed: (seed + 1) % 0x100000000 })}
          disabled={!ready}
          data-testid="sample-drums"
          title="Samples with the next seed"
        >
          Sample new patterns
        </button>
        {sampled && (
          <span className="muted">
            {sampled.sequences.length} patterns in {sampled.ms.toFixed(0)} ms on {sampled.backend.toUpperCase()}
          </span>
        )}
      </div>
      {sampling && <ProgressBar label={sampling} testId="music-busy" />}
      {exporting && <ProgressBar label={exporting} testId="music-exporting" />}
    </section>
  );
}
