'use client';
/**
 * "Teach it your sounds" (drum lab): one short take per drum — the player says their kick, snare and
 * hi-hat a few times each — measured in the model worker; the example hits' features are kept in
 * this browser and sent with each groove, which is then classed by the player's own sounds
 * (lib/sound/drum-calibration.ts).
 */
import { useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { capitalize, count } from '@/lib/core/text';
import {
  addExamples,
  drumExamplesSchema,
  examplesComplete,
  MAX_EXAMPLE_SECONDS,
  MIN_EXAMPLES_PER_DRUM,
  NO_EXAMPLES,
  type DrumExamples,
} from '@/lib/sound/drum-calibration';
import { DRUM_SOUNDS, type DrumSound } from '@/lib/sound/drums';
import { AudioInput, type AudioTake } from '../_components/AudioInput';

export const SOUND_NAMES: Readonly<Record<DrumSound, string>> = { kick: 'kick', snare: 'snare', hat: 'hi-hat' };
/** Where this browser keeps the player's example hits (features only, never the audio). */
const EXAMPLES_KEY = 'latent-lab:drum-examples:v1';

/**
 * The player's example hits, kept in localStorage (the key carries the feature set's version; a
 * stored value that does not validate is dropped, and `onLost` says so).
 */
export function useDrumExamples(onLost: (message: string) => void) {
  const lost = useRef(onLost);
  useEffect(() => {
    lost.current = onLost;
  });
  const [examples, setExamples] = useState<DrumExamples>(NO_EXAMPLES);
  useEffect(() => {
    // localStorage exists only in the browser: read after the first render.
    const t = setTimeout(() => {
      try {
        const raw = window.localStorage.getItem(EXAMPLES_KEY);
        if (!raw) return;
        const parsed = drumExamplesSchema.safeParse(JSON.parse(raw));
        if (parsed.success) setExamples(parsed.data);
        else {
          window.localStorage.removeItem(EXAMPLES_KEY);
          lost.current('The drum sounds you taught this browser could not be read back and were forgotten: teach them again.');
        }
      } catch {
        lost.current('The drum sounds you taught this browser could not be read back (storage unreadable): teach them again.');
      }
    }, 0);
    return () => clearTimeout(t);
  }, []);
  const save = (next: DrumExamples) => {
    setExamples(next);
    try {
      if (next === NO_EXAMPLES) window.localStorage.removeItem(EXAMPLES_KEY);
      else window.localStorage.setItem(EXAMPLES_KEY, JSON.stringify(next));
    } catch {
      /* storage full or off: the examples last this visit */
    }
  };
  return [examples, save] as const;
}

export interface TeachSoundsProps {
  qpm: number;
  examples: DrumExamples;
  onExamples(next: DrumExamples): void;
  /** Whether grooves are classed by the examples (when every drum has enough). */
  useMine: boolean;
  onUseMine(use: boolean): void;
  busy: boolean;
  /** The features of each hit of an example take (the model worker's `sound:example-hits`); undefined when cancelled. */
  measure(take: AudioTake): Promise<number[][] | undefined>;
  onError(message: string): void;
}

export function TeachSounds({ qpm, examples, onExamples, useMine, onUseMine, busy, measure, onError }: TeachSoundsProps) {
  const [teaching, setTeaching] = useState<DrumSound>('kick');
  const [taughtNote, setTaughtNote] = useState<string>();
  const complete = examplesComplete(examples);
  // A take ends seconds after it began: it joins the examples and the sound shown *then* (not those
  // of when Record was pressed — Forget or another choice in between must hold).
  const now = useRef({ examples, teaching });
  useEffect(() => {
    now.current = { examples, teaching };
  });

  const learn = async (t: AudioTake) => {
    const features = await measure(t);
    if (!features) return;
    const { examples: current, teaching: sound } = now.current;
    const next = addExamples(current, sound, features);
    onExamples(next);
    setTaughtNote(`${capitalize(count(features.length, 'hit'))} of your ${SOUND_NAMES[sound]} heard in ${t.name}.`);
    const missing = DRUM_SOUNDS.find((s) => next[s].length < MIN_EXAMPLES_PER_DRUM);
    if (missing && missing !== sound) setTeaching(missing);
  };

  return (
    <details className="teach-sounds" data-testid="teach-sounds">
      <summary>
        Teach it your sounds{' '}
        <span className="small" data-testid="teach-status">
          ({complete ? (useMine ? 'your sounds are used' : 'your sounds are taught, not used') : 'kit sounds are used'})
        </span>
      </summary>
      <p className="small">
        Every beatboxer&rsquo;s kick, snare and hi-hat sound different. Say each of your three sounds about four times, with a gap between, one take per sound:
        the lab then classes the hits of your grooves by your own sounds. Only measurements of the hits are kept, in this browser.
      </p>
      <div className="controls">
        <label>
          This take is my{' '}
          <select
            value={teaching}
            onChange={(e) => setTeaching(DRUM_SOUNDS.find((d) => d === e.target.value) ?? 'kick')}
            aria-label="Which sound the take teaches"
            data-testid="teach-which"
          >
            {DRUM_SOUNDS.map((s) => (
              <option key={s} value={s}>
                {SOUND_NAMES[s]}
              </option>
            ))}
          </select>
        </label>
        <span className="small" data-testid="teach-counts">
          {DRUM_SOUNDS.map((s) => `${capitalize(SOUND_NAMES[s])}: ${count(examples[s].length, 'hit')}`).join(' · ')}
        </span>
      </div>
      <AudioInput
        hint={`Say your ${SOUND_NAMES[teaching]} about four times, with a gap between`}
        qpm={qpm}
        testId="teach"
        maxSeconds={MAX_EXAMPLE_SECONDS}
        countIn={false}
        busy={busy}
        onTake={(t) => void learn(t).catch((e: unknown) => onError(describeError(e)))}
        onError={onError}
      />
      {taughtNote && (
        <p className="small" aria-live="polite" data-testid="teach-note">
          {taughtNote}
        </p>
      )}
      <div className="controls">
        <label>
          <input type="checkbox" checked={complete && useMine} disabled={!complete} onChange={(e) => onUseMine(e.target.checked)} data-testid="teach-use" />{' '}
          Class hits by my sounds{complete ? '' : ` (needs ${MIN_EXAMPLES_PER_DRUM} hits of each)`}
        </label>
        <button
          type="button"
          className="link-button"
          disabled={examples === NO_EXAMPLES || busy}
          onClick={() => {
            onExamples(NO_EXAMPLES);
            onUseMine(true);
            setTaughtNote(undefined);
            setTeaching('kick');
          }}
          data-testid="teach-forget"
        >
          Forget my sounds
        </button>
      </div>
    </details>
  );
}
