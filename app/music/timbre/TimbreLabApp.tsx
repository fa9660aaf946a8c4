'use client';
/**
 * The timbre lab: an autoencoder for sounds. Four sounds (instruments of the shipped set, or your
 * own note), a strip that morphs A into B, a pad that blends all four as you drag, random sounds,
 * and the map of every instrument. The model runs in the model worker; the sounds and settings live
 * in the URL (a recording is kept there as its code).
 */
import { useCallback, useEffect, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { ignoredNote } from '@/lib/core/url-state';
import { TIMBRE_REFINE_STEPS, timbreLabUrl } from '@/lib/timbre/lab-url';
import { pitchName, SAMPLE_RATE } from '@/lib/timbre/spec';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { ClassroomBar } from '@/app/_components/classroom/ClassroomBar';
import { timbreEntry } from '@/lib/timbre/entries';
import { IntentLink } from '@/app/_components/IntentLink';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { useWorkerCall } from '@/app/_components/useWorkerCall';
import { MorphStrip } from './MorphStrip';
import { RandomSounds } from './RandomSounds';
import { SoundSlot } from './SoundSlot';
import { TimbreMap } from './TimbreMap';
import { TimbrePad } from './TimbrePad';
import { SLOTS, useSounds, type Slot } from './useSounds';
import { useTimbreModel } from './useTimbreModel';
import { useTimbreSet } from '../_components/useTimbreSet';

const LABELS: Record<Slot, string> = { a: 'A', b: 'B', c: 'C', d: 'D' };

export function TimbreLabApp() {
  const { state: url, ignored, set: setParams } = useTypedUrlState(timbreLabUrl);
  const [error, setError] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  const model = useTimbreModel(onError);
  const set = useTimbreSet(onError);
  const ready = model.info !== undefined;
  const { sounds, busy, problems, encodeTake } = useSounds(
    { a: url.a, b: url.b, c: url.c, d: url.d },
    { refine: url.refine, pitch: url.pitch, set, ready, onError },
  );

  const morph = useWorkerCall();
  const [clips, setClips] = useState<Float32Array[]>();
  const [codes, setCodes] = useState<number[][]>();
  /** The step of the morph a classroom entry submits (clicked last). */
  const [chosen, setChosen] = useState<number>();
  const za = sounds.a?.z;
  const zb = sounds.b?.z;
  useEffect(() => {
    if (!za || !zb) return;
    morph
      .run({ type: 'timbre:morph', a: za, b: zb, steps: url.steps, mode: url.mode, pitch: url.pitch }, 'timbre:audio')
      .then((r) => {
        if (!r) return;
        setClips(r.clips);
        setCodes(r.codes);
        setChosen(undefined);
      })
      .catch((e: unknown) => setError(describeError(e)));
    // `morph.run` is stable; a new answer replaces the strip.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [za, zb, url.steps, url.mode, url.pitch]);

  const corners = SLOTS.map((s) => sounds[s]?.z);
  const allCorners = corners.every((c) => c !== undefined) ? (corners as number[][]) : undefined;
  const title = (s: Slot) => sounds[s]?.title.replace(/ \(.*\)$/, '') ?? LABELS[s];
  const pick = (slot: Slot, ref: string) => {
    setError(undefined);
    setParams({ [slot]: ref });
  };

  return (
    <div className="timbre-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      <ClassroomBar
        lab="timbre"
        getEntry={() =>
          timbreEntry(
            clips && codes
              ? { a: url.a, b: url.b, steps: url.steps, mode: url.mode, pitch: url.pitch, clips, codes, titles: { a: title('a'), b: title('b') } }
              : undefined,
            chosen,
          )
        }
      />
      {ignored.length > 0 && <p className="notice">{ignoredNote(ignored)}</p>}
      <p className="muted small" data-testid="timbre-model-info" data-model-loaded={model.info ? 'true' : undefined}>
        {model.info
          ? `Model: ${model.info.name} (${model.info.zDims}-number codes, ${(model.info.parameters / 1e6).toFixed(2)} M numbers, ${(model.info.bytes / 1e6).toFixed(1)} MB, ${model.info.source}) on ${model.backend ?? '…'}`
          : model.starting
            ? 'Starting TF.js…'
            : (model.loading ?? 'Loading…')}
      </p>
      <div className="controls">
        <label
          className="refine-toggle"
          title="The encoder guesses each sound's code in one pass; refining then adjusts the code until the decoder's note is as close to the sound as it can get (slower: a second or two per sound)."
        >
          <input
            type="checkbox"
            checked={url.refine > 0}
            onChange={(e) => setParams({ refine: e.target.checked ? TIMBRE_REFINE_STEPS : undefined })}
            data-testid="timbre-refine"
          />{' '}
          Refine the sounds&apos; codes
        </label>
        <IntentLink href={`/music/melody?timbre=${encodeURIComponent(url.a)}&timbre2=${encodeURIComponent(url.b)}`} data-testid="to-melody">
          Play melodies with A → B in the melody lab
        </IntentLink>
      </div>
      <div className="sound-slots">
        {SLOTS.map((slot) => (
          <SoundSlot
            key={slot}
            label={LABELS[slot]}
            testId={`sound-${slot}`}
            sound={sounds[slot]}
            busy={busy.includes(slot)}
            problem={problems[slot]}
            refValue={url[slot]}
            set={set}
            sampleRate={SAMPLE_RATE}
            onPick={(ref) => pick(slot, ref)}
            onTake={async (take) => pick(slot, await encodeTake(take))}
            onError={onError}
          />
        ))}
      </div>
      <MorphStrip
        clips={clips}
        sampleRate={SAMPLE_RATE}
        running={morph.running}
        stale={busy.includes('a') || busy.includes('b')}
        steps={url.steps}
        mode={url.mode}
        pitch={url.pitch}
        titles={{ a: title('a'), b: title('b') }}
        chosen={chosen}
        onChoose={setChosen}
        onSettings={(patch) => setParams(patch)}
        onError={onError}
      />
      <TimbrePad
        corners={allCorners}
        names={SLOTS.map(title)}
        x={url.x}
        y={url.y}
        pitch={url.pitch}
        sampleRate={SAMPLE_RATE}
        onMove={(x, y) => setParams({ x, y })}
        onError={onError}
      />
      <RandomSounds
        pitch={url.pitch}
        seed={url.seed}
        temperature={url.temp}
        sampleRate={SAMPLE_RATE}
        ready={ready}
        onSettings={(patch) => setParams(patch)}
        onUse={(ref, slot) => pick(slot, ref)}
        onError={onError}
      />
      <TimbreMap pitch={url.pitch} sampleRate={SAMPLE_RATE} ready={ready} onUse={(program, slot) => pick(slot, `p${program}`)} onError={onError} />
      <p className="muted small">
        Every note is 1.28 s at {pitchName(url.pitch)}, 16 kHz; pitch and loudness are given to the decoder, the code holds the rest.
      </p>
    </div>
  );
}
