'use client';
/**
 * The melody lab: two 2-bar melodies (examples, MIDI imports or drawn), morphed into each other
 * through the MusicVAE's latent space; variations of A; playback with a moving playhead; MIDI and
 * WAV export. Model work runs in the model worker; the melodies and settings live in the URL.
 */
import { describeError } from '@/lib/core/errors';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { FineTunePanel } from '@/app/music/_components/FineTunePanel';
import { modelValueOf } from '@/lib/music/model-value';
import { ClassroomBar } from '@/app/_components/classroom/ClassroomBar';
import { melodyEntry } from '@/lib/music/entries';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { ignoredNote } from '@/lib/core/url-state';
import { melodyLabUrl } from '@/lib/music/lab-url';
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
import { MelodyControls } from './MelodyControls';
import { MelodySlot } from './MelodySlot';
import { TimbreVoiceControl } from './TimbreVoiceControl';
import { timbreVoiceName, useTimbreVoices } from './useTimbreVoices';
import { useTimbreSet } from '../_components/useTimbreSet';
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
  const timbreSet = useTimbreSet(onError);
  const allSeqs = useMemo(() => [a.seq, b.seq, ...(result?.seqs ?? [])], [a.seq, b.seq, result]);
  const timbre = useTimbreVoices(player, allSeqs, result?.kind === 'interpolation' ? result.seqs.length : url.steps, onError);
  const play = (group: string, seqs: readonly QuantizedNoteSequence[]) =>
    void timbre
      .voicesFor(group, seqs)
      .then((voices) => player.play(group, seqs, { kind: 'melody', qpm, loop, ...(voices ? { voices } : {}) }))
      .catch((e: unknown) => onError(describeError(e)));
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
      <ClassroomBar
        lab="melody"
        getEntry={() => melodyEntry(result, { qpm, ...(model.info ? { model: modelValueOf('melody', model.info) } : { modelShipped: false }) })}
      />
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

      <MelodyControls
        url={url}
        setParams={setParams}
        ready={ready}
        busy={busy}
        progress={progress}
        exporting={exporting}
        onCancel={cancel}
        onInterpolate={(at) => void interpolate(at)}
        onVariations={(at) => void variations(at)}
      />

      <TimbreVoiceControl voices={timbre} set={timbreSet} />
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
        onExportWav={() =>
          result &&
          void exportWav(
            exportCtx,
            result.seqs,
            result.kind,
            timbre.choice.voice === 'synth' ? undefined : { perSeq: () => timbre.notesFor('strip', result.seqs), name: timbreVoiceName(timbre) },
          )
        }
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
      <FineTunePanel lab="melody" model={model} onError={onError} />
    </div>
  );
}
