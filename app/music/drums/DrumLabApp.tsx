'use client';
/**
 * The drum lab: sample new 2-bar grooves from the MusicVAE, edit them on a step grid, loop them on
 * a synthesized kit with tempo and swing, and blend four patterns Beat-Blender style. Model work
 * runs in the model worker; sampling settings, edits, corners and the puck live in the URL.
 */
import { describeError } from '@/lib/core/errors';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { FineTunePanel } from '@/app/music/_components/FineTunePanel';
import { modelValueOf } from '@/lib/music/model-value';
import { ClassroomBar } from '@/app/_components/classroom/ClassroomBar';
import { drumEntry } from '@/lib/music/entries';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { ignoredNote } from '@/lib/core/url-state';
import { BLEND_SIZE, CORNER_KEYS, drumLabUrl, PATTERN_KEYS } from '@/lib/music/lab-url';
import { CLIP_STEPS, editedDrumClip, encodeDrumClip, toggleDrumCell, withTempo } from '@/lib/music/clips';
import { DRUM_EXAMPLES } from '@/lib/music/examples';
import { nearestGridCell } from '@/lib/latent/grid';
import { emptyQuantizedSequence, type QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { ModelPicker } from '../_components/ModelPicker';
import { exportMidi, exportWav, type ExportContext } from '../_components/exports';
import { PlaybackBar } from '../_components/PlaybackBar';
import { useMusicModel } from '../_components/useMusicModel';
import { usePlayer } from '@/app/_components/media/usePlayer';
import { BlendSide } from './BlendSide';
import { CornerCard } from './CornerCard';
import { DrumSampleControls } from './DrumSampleControls';
import { GrooveInput } from './GrooveInput';
import { useCornerImports } from './useCornerImports';
import { DEFAULT_CORNERS, presetClip, useDrumPatterns } from './useDrumPatterns';
import { PatternCard } from './PatternCard';

const CORNER_NAMES = ['Top left', 'Top right', 'Bottom left', 'Bottom right'] as const;

/** What the play button plays and the export buttons save. */
type Selection = { kind: 'pattern'; index: number } | { kind: 'blend' };

export function DrumLabApp() {
  const { state: url, ignored, set: setParams } = useTypedUrlState(drumLabUrl);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  const model = useMusicModel('drums', onError);
  const player = usePlayer(onError);

  const { temp: temperature, seed, qpm, swing, refine: refineSteps, x: px, y: py } = url;

  const [puck, setPuck] = useState<{ x: number; y: number }>();
  const [selection, setSelection] = useState<Selection>({ kind: 'pattern', index: 0 });
  const [exporting, setExporting] = useState<string>();

  const { sampled, sampling, patterns, corners, problems, blend, blending, blendProgress } = useDrumPatterns(url, model, onError);
  /** Changes the sampling settings; the old patterns' edits no longer apply, so they go. */
  const resample = (patch: { n?: number; temp?: number; seed?: number }) => {
    setParams({ ...Object.fromEntries(PATTERN_KEYS.map((k) => [k, undefined])), ...patch });
  };

  const x = puck?.x ?? px;
  const y = puck?.y ?? py;
  const blendIndex = nearestGridCell(BLEND_SIZE, x, y);
  const blendReady = blend !== undefined;
  const blended = blend?.sequences[blendIndex];
  const selected: QuantizedNoteSequence | undefined = selection.kind === 'blend' ? blended : patterns[selection.index];
  const selectedName = selection.kind === 'blend' ? 'blend' : `pattern-${selection.index + 1}`;
  const playing = player.playing;
  const exportCtx: ExportContext = { kind: 'drums', qpm, swing, onError, onNotice: setNotice, onBusy: setExporting };

  const play = (group: string, seq: QuantizedNoteSequence | undefined) => {
    if (seq) void player.play(group, [seq], { kind: 'drums', qpm, swing, loop: true });
  };

  const setCorner = (corner: number, seq: QuantizedNoteSequence) => setParams({ [CORNER_KEYS[corner] ?? 'c1']: encodeDrumClip(seq) });

  /** Pattern `i` becomes `next`; back to what was sampled, its URL key and "edited" mark go away. */
  const edit = (i: number, next: QuantizedNoteSequence) => {
    const original = sampled?.sequences[i];
    setParams({ [PATTERN_KEYS[i] ?? 'p1']: editedDrumClip(next, original && withTempo(original, qpm)) });
    if (playing?.group === `pattern-${i}`) player.swap([next]);
  };

  const cornerFiles = useCornerImports({
    qpm,
    cornerNames: CORNER_NAMES,
    setCorner,
    onNotice: (m) => {
      setError(undefined);
      setNotice(m);
    },
  });
  const { imports } = cornerFiles;

  // The pattern cards get stable callbacks (so they skip redrawing while another one plays); the
  // callbacks read the current state through this ref, refreshed after every render.
  const actions = useRef({
    toggle: (_i: number, _c: number, _s: number): void => undefined,
    clear: (_i: number): void => undefined,
    reset: (_i: number): void => undefined,
    play: (_i: number): void => undefined,
    corner: (_i: number, _c: number): void => undefined,
    midi: (_i: number): void => undefined,
  });
  useEffect(() => {
    actions.current = {
      toggle: (i, c, s) => {
        const seq = patterns[i];
        if (!seq || sampling) return; // new patterns are on their way: an edit now would land on the wrong one
        edit(i, toggleDrumCell(seq, c, s));
      },
      clear: (i) => {
        if (!sampling) edit(i, emptyQuantizedSequence(CLIP_STEPS, qpm));
      },
      reset: (i) => {
        const original = sampled?.sequences[i];
        if (original && !sampling) edit(i, withTempo(original, qpm));
      },
      play: (i) => {
        setSelection({ kind: 'pattern', index: i });
        play(`pattern-${i}`, patterns[i]);
      },
      corner: (i, c) => {
        const seq = patterns[i];
        if (seq) setCorner(c, seq);
      },
      midi: (i) => {
        const seq = patterns[i];
        if (seq) exportMidi(exportCtx, [seq], `pattern-${i + 1}`);
      },
    };
  });
  const onToggle = useCallback((i: number, c: number, s: number) => actions.current.toggle(i, c, s), []);
  const onClear = useCallback((i: number) => actions.current.clear(i), []);
  const onReset = useCallback((i: number) => actions.current.reset(i), []);
  const onPlayPattern = useCallback((i: number) => actions.current.play(i), []);
  const onCorner = useCallback((i: number, c: number) => actions.current.corner(i, c), []);
  const onMidi = useCallback((i: number) => actions.current.midi(i), []);

  const movePuck = (nx: number, ny: number) => {
    setPuck({ x: nx, y: ny });
    const next = blend?.sequences[nearestGridCell(BLEND_SIZE, nx, ny)];
    if (next && playing?.group === 'blend') player.swap([next]);
  };

  const ready = model.info !== undefined;
  const stepIn = (group: string): number | undefined => (playing?.group === group ? playing.step : undefined);

  return (
    <div className="music-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      <ClassroomBar
        lab="drums"
        getEntry={() =>
          drumEntry(selected, { name: selectedName, temperature, seed, qpm, swing, ...(model.info ? { model: modelValueOf('drums', model.info) } : {}) })
        }
      />
      <ModelPicker lab="drums" model={model} busy={sampling !== undefined || blending !== undefined} />
      {(problems.length > 0 || ignored.length > 0 || notice || (blend?.notes.length ?? 0) > 0) && (
        <p className="notice" data-testid="music-notice">
          {[ignoredNote(ignored), ...problems, notice, ...(blend?.notes ?? [])].filter(Boolean).join(' ')}
        </p>
      )}

      <DrumSampleControls url={url} ready={ready} onResample={resample} sampled={sampled} sampling={sampling} exporting={exporting} />

      <PlaybackBar
        player={player}
        qpm={qpm}
        swing={swing}
        onTempo={(v) => {
          setParams({ qpm: v });
          player.setTempo(v);
        }}
        onSwing={(v) => {
          setParams({ swing: v });
          player.setSwing(v);
        }}
        onPlay={() => play(selection.kind === 'blend' ? 'blend' : `pattern-${selection.index}`, selected)}
        canPlay={selected !== undefined}
        playLabel={selection.kind === 'blend' ? 'Play the blend' : `Play pattern ${selection.index + 1}`}
        onExportMidi={() => selected && exportMidi(exportCtx, [selected], selectedName)}
        onExportWav={() => selected && void exportWav(exportCtx, [selected], selectedName)}
      />

      <div className="patterns" data-testid="drum-patterns" data-seed={sampled?.seed} data-busy={sampling ? '1' : undefined}>
        {patterns.map((seq, i) => (
          <PatternCard
            key={i}
            index={i}
            seq={seq}
            edited={url[PATTERN_KEYS[i] ?? 'p1'] !== undefined}
            selected={selection.kind === 'pattern' && selection.index === i}
            playStep={stepIn(`pattern-${i}`)}
            cornerNames={CORNER_NAMES}
            onToggle={onToggle}
            onClear={onClear}
            onReset={onReset}
            onPlay={onPlayPattern}
            onCorner={onCorner}
            onMidi={onMidi}
          />
        ))}
      </div>

      <GrooveInput
        qpm={qpm}
        patternCount={patterns.length}
        cornerNames={CORNER_NAMES}
        onPattern={(i, seq, note) => {
          if (sampling) return;
          edit(i, seq);
          setSelection({ kind: 'pattern', index: i });
          setError(undefined);
          setNotice(`Pattern ${i + 1}: ${note}`);
        }}
        onCorner={cornerFiles.apply}
        onError={onError}
      />

      <section className="card blend" aria-label="Blend">
        <h2>Blend four patterns</h2>
        <p className="muted">
          Each corner holds a pattern; the square in between holds their blends in the model&apos;s latent space ({BLEND_SIZE}×{BLEND_SIZE}, decoded ahead).
          Drag the puck while the blend plays.
        </p>
        <div className="blend-layout">
          <div className="corners">
            {corners.map((seq, c) => (
              <CornerCard
                key={c}
                index={c}
                name={CORNER_NAMES[c] ?? `Corner ${c + 1}`}
                seq={seq}
                imported={imports[c]}
                fidelity={blend?.fidelity?.[c]}
                onPreset={(id) => {
                  cornerFiles.forget(c);
                  setCorner(c, presetClip(id, qpm));
                }}
                onClear={() => {
                  cornerFiles.forget(c);
                  setCorner(c, emptyQuantizedSequence(CLIP_STEPS, qpm));
                }}
                onReset={
                  url[CORNER_KEYS[c] ?? 'c1'] === undefined
                    ? undefined
                    : () => {
                        cornerFiles.forget(c);
                        setParams({ [CORNER_KEYS[c] ?? 'c1']: undefined });
                      }
                }
                defaultName={DRUM_EXAMPLES.find((e) => e.id === DEFAULT_CORNERS[c])?.title ?? ''}
                onFile={(file) => cornerFiles.importFile(c, file).catch((err: unknown) => setError(`${CORNER_NAMES[c]} corner: ${describeError(err)}`))}
                onBar={(bar) => {
                  const from = imports[c];
                  if (from && bar >= 0 && bar < from.found.windows.length) cornerFiles.apply(c, { ...from, bar });
                }}
              />
            ))}
            <label
              className="refine-toggle"
              title="The encoder guesses each corner's code in one pass; refining adjusts the codes until the decoder rebuilds the corners as closely as it can, so the corners of the square are the corner patterns themselves."
            >
              <input
                type="checkbox"
                checked={refineSteps > 0}
                onChange={(e) => setParams({ refine: e.target.checked ? undefined : 0 })}
                data-testid="refine-toggle"
              />{' '}
              Refine the corners&apos; codes
            </label>
            {blending && <ProgressBar label={blending} fraction={blendProgress?.fraction} testId="blend-busy" />}
          </div>
          <BlendSide
            x={x}
            y={y}
            ready={blendReady}
            blended={blended}
            cell={blendIndex}
            playStep={stepIn('blend')}
            onMove={(nx, ny) => {
              setSelection({ kind: 'blend' });
              movePuck(nx, ny);
            }}
            onRelease={(nx, ny) => setParams({ x: Number(nx.toFixed(3)), y: Number(ny.toFixed(3)) })}
            onPlay={() => {
              setSelection({ kind: 'blend' });
              play('blend', blended);
            }}
          />
        </div>
      </section>
      <FineTunePanel lab="drums" model={model} onError={onError} />
    </div>
  );
}
