'use client';
/**
 * The melody lab: two 2-bar melodies (examples, MIDI imports or drawn), morphed into each other
 * through the MusicVAE's latent space; variations of A; playback with a moving playhead; MIDI and
 * WAV export. Model work runs in the model worker; the melodies and settings live in the URL.
 */
import { RangeField } from '@/app/_components/RangeField';
import { describeError } from '@/lib/core/errors';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { ClassroomBar } from '@/app/classroom/_components/ClassroomBar';
import { melodyEntry } from '@/app/classroom/_components/lab-entries';
import { NumberField } from '@/app/_components/NumberField';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { MAX_SEED } from '@/lib/core/random';
import { ignoredNote } from '@/lib/core/url-state';
import { LAB_MAX_REFINE_STEPS, melodyLabUrl, MELODY_LAB_LIMITS } from '@/lib/music/lab-url';
import { useWorkerCall } from '@/app/_components/useWorkerCall';
import { decodeMelodyClip, encodeMelodyClip, withTempo } from '@/lib/music/clips';
import { MELODY_EXAMPLES, melodyExample } from '@/lib/music/examples';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { ModelPicker } from '../_components/ModelPicker';
import { pitchSpanOf } from '@/app/_components/media/PianoRoll';
import { exportMidi, exportWav, type ExportContext } from '../_components/exports';
import { PlaybackBar } from '../_components/PlaybackBar';
import { useInputCode } from '../_components/useInputCode';
import { useMusicModel } from '../_components/useMusicModel';
import { usePlayer } from '@/app/_components/media/usePlayer';
import { MelodySlot } from './MelodySlot';
import { ResultStrip, staleReason, type Result } from './ResultStrip';

/** Melody `which` from its URL text, or the example when the parameter is missing or damaged. */
function clipParam(raw: string | null, which: 'a' | 'b', fallback: number, qpm: number): { seq: QuantizedNoteSequence; problem?: string } {
  const example = MELODY_EXAMPLES[fallback] ?? MELODY_EXAMPLES[0];
  const fallbackSeq = example ? withTempo(melodyExample(example), qpm) : decodeMelodyClip('', qpm);
  if (raw === null) return { seq: fallbackSeq };
  try {
    return { seq: decodeMelodyClip(raw, qpm) };
  } catch (error) {
    return { seq: fallbackSeq, problem: `Melody ${which.toUpperCase()} in this link is damaged (${describeError(error)}); showing an example instead.` };
  }
}

export function MelodyLabApp() {
  const { state: url, ignored, set: setParams } = useTypedUrlState(melodyLabUrl);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  const model = useMusicModel('melody', onError);
  const player = usePlayer(onError);

  const { qpm, steps, temp: temperature, mode, seed, nvar: nVariations, sim: similarity, loop, refine: refineSteps } = url;
  const aParam = url.a ?? null;
  const bParam = url.b ?? null;
  const a = useMemo(() => clipParam(aParam, 'a', 0, qpm), [aParam, qpm]);
  const b = useMemo(() => clipParam(bParam, 'b', 1, qpm), [bParam, qpm]);
  const ready = model.info !== undefined;
  const codeA = useInputCode('melody', a.seq, 'Melody A', refineSteps, model.version, ready);
  const codeB = useInputCode('melody', b.seq, 'Melody B', refineSteps, model.version, ready);
  const editSpan = useMemo(() => {
    const s = pitchSpanOf([a.seq, b.seq], 24);
    return { min: Math.min(s.min, 55), max: Math.max(s.max, 79) };
  }, [a.seq, b.seq]);

  const [result, setResult] = useState<Result>();
  const work = useWorkerCall();
  /** What the running request does, in words. */
  const [task, setTask] = useState<string>();
  const busy = work.running ? task : undefined;
  const progress = work.progress;
  const [exporting, setExporting] = useState<string>();
  const [latency, setLatency] = useState<{ ms: number; steps: number; run: number }>();
  const autoRan = useRef(false);

  const run = useCallback(
    async (kind: Result['kind'], clickedAt: number) => {
      const [sa, sb] = [a.seq, b.seq];
      setTask(kind === 'interpolation' ? `Interpolating ${steps} steps in the model worker…` : `Making ${nVariations} variations of A…`);
      const refine = refineSteps > 0 ? { steps: refineSteps } : undefined;
      try {
        const r = await work.run(
          kind === 'interpolation'
            ? { type: 'music:interpolate', a: sa, b: sb, steps, mode, temperature, seed, qpm, refine }
            : { type: 'music:similar', source: sa, n: nVariations, similarity, temperature, seed, qpm, refine },
          'music:sequences',
        );
        if (!r) return;
        setResult((prev) => ({
          kind,
          a: sa,
          b: sb,
          run: (prev?.run ?? 0) + 1,
          seqs: r.sequences,
          clickedAt,
          modelMs: r.ms,
          backend: r.backend,
          fidelity: r.fidelity ?? [],
          refineMs: r.refineMs ?? 0,
          settings: { steps, temperature, mode, seed, refineSteps },
        }));
        setNotice(r.notes.length ? r.notes.join(' ') : undefined);
        setError(undefined);
      } catch (e) {
        // The previous result stays on screen; the error says what went wrong.
        setError(describeError(e));
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- work.run is stable
    [a.seq, b.seq, steps, nVariations, similarity, mode, temperature, seed, qpm, refineSteps],
  );
  const cancel = work.cancel;
  const interpolate = (clickedAt: number) => {
    setParams({ show: 'interpolation' });
    return run('interpolation', clickedAt);
  };
  const variations = (clickedAt: number) => {
    setParams({ show: 'variations' });
    return run('variations', clickedAt);
  };

  // A shared link reproduces its result: run it once as soon as the model is ready.
  const shown = url.show;
  useEffect(() => {
    if (!model.info || autoRan.current) return;
    autoRan.current = true;
    void run(shown, performance.now());
  }, [model.info, run, shown]);

  // Click-to-drawn latency: measured after the browser has painted the new strip.
  useEffect(() => {
    if (!result) return;
    const frame = requestAnimationFrame(() => setLatency({ ms: performance.now() - result.clickedAt, steps: result.seqs.length, run: result.run }));
    return () => cancelAnimationFrame(frame);
  }, [result]);

  const span = useMemo(() => pitchSpanOf(result ? [result.a, result.b, ...result.seqs] : [a.seq, b.seq]), [result, a.seq, b.seq]);
  const playing = player.playing;
  const stepOf = (group: string, index = 0): number | undefined => (playing && playing.group === group && playing.segment === index ? playing.step : undefined);
  const play = (group: string, seqs: readonly QuantizedNoteSequence[]) => void player.play(group, seqs, { kind: 'melody', qpm, loop });
  const setClip = (key: 'a' | 'b') => (seq: QuantizedNoteSequence) => {
    setParams({ [key]: encodeMelodyClip(seq) });
    setError(undefined); // a melody that loaded (or an edit) replaces an earlier import error
  };

  const exportCtx: ExportContext = { kind: 'melody', qpm, onError, onNotice: setNotice, onBusy: setExporting };

  // A result made from an earlier A or B is marked, not silently shown as if it were current.
  const stale = staleReason(result, a.seq, b.seq, refineSteps);

  return (
    <div className="music-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      <ClassroomBar lab="melody" getEntry={() => melodyEntry(result, { qpm, modelShipped: model.info?.source === 'shipped' })} />
      <ModelPicker lab="melody" model={model} busy={busy !== undefined} />
      {(a.problem || b.problem || notice || ignored.length > 0) && (
        <p className="notice" data-testid="music-notice">
          {[ignoredNote(ignored), a.problem, b.problem, notice].filter(Boolean).join(' ')}
        </p>
      )}
      <div className="slots">
        <MelodySlot
          which="a"
          seq={a.seq}
          qpm={qpm}
          span={editSpan}
          onChange={setClip('a')}
          onError={onError}
          onNotice={setNotice}
          onPlay={() => play('a', [a.seq])}
          playStep={stepOf('a')}
          code={codeA}
        />
        <MelodySlot
          which="b"
          seq={b.seq}
          qpm={qpm}
          span={editSpan}
          onChange={setClip('b')}
          onError={onError}
          onNotice={setNotice}
          onPlay={() => play('b', [b.seq])}
          playStep={stepOf('b')}
          code={codeB}
        />
      </div>

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
          <button type="button" onClick={(e) => void interpolate(e.timeStamp)} disabled={!ready || busy !== undefined} data-testid="interpolate">
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
          <button type="button" onClick={(e) => void variations(e.timeStamp)} disabled={!ready || busy !== undefined} data-testid="variations">
            Make variations
          </button>
        </div>
        {busy && (
          <div className="busy-row">
            <ProgressBar label={progress?.label ?? busy} fraction={progress?.fraction} testId="music-busy" />
            {progress && (
              <button type="button" onClick={cancel} data-testid="music-cancel">
                Cancel
              </button>
            )}
          </div>
        )}
        {exporting && <ProgressBar label={exporting} testId="music-exporting" />}
      </section>

      <PlaybackBar
        player={player}
        qpm={qpm}
        loop={loop}
        onTempo={(v) => {
          setParams({ qpm: v });
          player.setTempo(v);
        }}
        onLoop={(v) => {
          setParams({ loop: v });
          player.setLoop(v);
        }}
        onPlay={() => result && play('strip', result.seqs)}
        canPlay={result !== undefined}
        playLabel={result?.kind === 'variations' ? 'Play all variations' : 'Play the interpolation'}
        onExportMidi={() => result && exportMidi(exportCtx, result.seqs, result.kind)}
        onExportWav={() => result && void exportWav(exportCtx, result.seqs, result.kind)}
      />

      {result && (
        <ResultStrip
          result={result}
          latency={latency}
          stale={stale}
          span={span}
          stepOf={stepOf}
          onPlay={(group, seqs) => play(group, seqs)}
          onExport={(seqs, name) => exportMidi(exportCtx, seqs, name)}
          onUseAsB={(seq) => setParams({ b: encodeMelodyClip(seq) })}
        />
      )}
    </div>
  );
}
