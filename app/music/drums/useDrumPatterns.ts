'use client';
/**
 * The drum lab's patterns and blend square: patterns sampled in the model worker (a function of
 * model, count, temperature and seed, so a shared link gives them back) with the user's edits from
 * the URL (p1…p16), the four corners (c1…c4, presets by default), and the square decoded ahead
 * whenever the corners change (from the corners' refined codes, so its corners are the corner
 * patterns themselves). Damaged URL entries are reported, not thrown.
 */
import { useMemo } from 'react';
import { useWorkerCall } from '@/app/_components/useWorkerCall';
import { useWorkerResult } from '@/app/_components/useWorkerResult';
import { request } from '@/app/_workers/client';
import { describeError } from '@/lib/core/errors';
import { decodeDrumClip, encodeDrumClip, withTempo } from '@/lib/music/clips';
import { DRUM_EXAMPLES, drumExample } from '@/lib/music/examples';
import { BLEND_SIZE, CORNER_KEYS, PATTERN_KEYS, type DrumLabState } from '@/lib/music/lab-url';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';

/** The corners' presets when the link has none. */
export const DEFAULT_CORNERS = ['rock', 'funk', 'bossa', 'four-on-the-floor'] as const;

type Corners = [QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence];

/** A built-in groove as a corner, at the lab's tempo. */
export function presetClip(id: string, qpm: number): QuantizedNoteSequence {
  const ex = DRUM_EXAMPLES.find((x) => x.id === id) ?? DRUM_EXAMPLES[0];
  if (!ex) throw new Error('No drum presets are defined.');
  return withTempo(drumExample(ex), qpm);
}

export function useDrumPatterns(url: DrumLabState, model: { version: number; info: unknown }, onError: (m: string) => void) {
  const { n, temp: temperature, seed, qpm, refine: refineSteps } = url;
  // The patterns are a function of (model, n, temperature, seed), so a shared link gives them back.
  const samples = useWorkerResult(
    () => request({ type: 'music:sample', lab: 'drums', n, temperature, seed, qpm: 120 }, 'music:sequences').then((r) => ({ ...r, seed })),
    [model.version, n, temperature, seed],
    onError,
    { enabled: model.info !== undefined, delayMs: 120 },
  );
  const sampled = samples.value;
  const sampling = samples.loading && model.info !== undefined ? `Sampling ${n} patterns in the model worker…` : undefined;

  // Edited patterns (p1…p16) and corners (c1…c4) come from the URL; damaged entries are reported.
  const { patterns, corners, problems } = useMemo(() => {
    const issues: string[] = [];
    const read = (key: (typeof CORNER_KEYS)[number] | (typeof PATTERN_KEYS)[number], fallback: () => QuantizedNoteSequence): QuantizedNoteSequence => {
      const raw = url[key];
      if (raw === undefined) return fallback();
      try {
        return decodeDrumClip(raw, qpm);
      } catch (e) {
        issues.push(`${key} in this link: ${describeError(e)}`);
        return fallback();
      }
    };
    const pats = (sampled?.sequences ?? []).map((s, i) => read(PATTERN_KEYS[i] ?? 'p1', () => withTempo(s, qpm)));
    const cs = CORNER_KEYS.map((k, i) => read(k, () => presetClip(DEFAULT_CORNERS[i] ?? 'rock', qpm))) as Corners;
    return { patterns: pats, corners: cs, problems: issues };
  }, [url, sampled, qpm]);
  const cornersKey = useMemo(() => corners.map(encodeDrumClip).join('.'), [corners]);

  // The blend square is decoded ahead whenever the corners change, from the corners' refined codes
  // (so each corner of the square is the corner pattern itself); a grid made for other corners than
  // the current ones is never used.
  const blendCall = useWorkerCall();
  const blendResult = useWorkerResult(
    async () => {
      const r = await blendCall.run(
        { type: 'music:grid', corners, size: BLEND_SIZE, temperature: 0, seed: 1, qpm: 120, refine: refineSteps > 0 ? { steps: refineSteps } : undefined },
        'music:sequences',
      );
      return r && { ...r, key: cornersKey };
    },
    [model.version, cornersKey, refineSteps],
    onError,
    { enabled: model.info !== undefined, delayMs: 120 },
  );
  const blending =
    blendResult.loading && model.info !== undefined ? (blendCall.progress?.label ?? `Decoding a ${BLEND_SIZE}×${BLEND_SIZE} blend grid…`) : undefined;
  const blend = blendResult.value?.key === cornersKey ? blendResult.value : undefined;

  return { sampled, sampling, patterns, corners, problems, blend, blending, blendProgress: blendCall.progress };
}
