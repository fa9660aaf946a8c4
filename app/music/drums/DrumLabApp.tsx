'use client';
/**
 * The drum lab: sample new 2-bar grooves from the MusicVAE, edit them on a step grid, loop them on
 * a synthesized kit with tempo and swing, and blend four patterns Beat-Blender style. Model work
 * runs in the model worker; sampling settings, edits, corners and the puck live in the URL.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorAlert } from '@/app/_components/ErrorAlert';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { intParam, numParam, useUrlParams } from '@/app/_components/url-state';
import { request } from '@/app/_workers/client';
import { decodeDrumClip, encodeDrumClip, toggleDrumCell, withTempo } from '@/lib/music/clips';
import { DRUM_EXAMPLES, drumExample } from '@/lib/music/examples';
import { nearestGridCell } from '@/lib/latent/grid';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { midiWindows, pickWindow } from '@/lib/music/windows';
import { DrumGrid } from '../_components/DrumGrid';
import { readMidiFile } from '../_components/midi-file';
import { ModelPicker } from '../_components/ModelPicker';
import { exportMidi, exportWav, type ExportContext } from '../_components/exports';
import { PlaybackBar } from '../_components/PlaybackBar';
import { useMusicModel } from '../_components/useMusicModel';
import { usePlayer } from '../_components/usePlayer';
import { BlendPad } from './BlendPad';

const BLEND_SIZE = 7;
const CORNER_KEYS = ['c1', 'c2', 'c3', 'c4'] as const;
const CORNER_NAMES = ['Top left', 'Top right', 'Bottom left', 'Bottom right'] as const;
const DEFAULT_CORNERS = ['rock', 'funk', 'bossa', 'four-on-the-floor'] as const;
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

type Corners = [QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence, QuantizedNoteSequence];
/** What the play button plays and the export buttons save. */
type Selection = { kind: 'pattern'; index: number } | { kind: 'blend' };

function presetClip(id: string, qpm: number): QuantizedNoteSequence {
  const ex = DRUM_EXAMPLES.find((x) => x.id === id) ?? DRUM_EXAMPLES[0];
  if (!ex) throw new Error('No drum presets are defined.');
  return withTempo(drumExample(ex), qpm);
}

export function DrumLabApp() {
  const [params, setParams] = useUrlParams();
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const onError = useCallback((m: string) => setError(m), []);
  const model = useMusicModel('drums', onError);
  const player = usePlayer(onError);

  const n = intParam(params, 'n', 8, 1, 16);
  const temperature = numParam(params, 'temp', 0.5, 0.05, 1.5);
  const seed = intParam(params, 'seed', 1, 0, 0xffffffff);
  const qpm = intParam(params, 'qpm', 100, 40, 240);
  const swing = numParam(params, 'swing', 0, 0, 0.5);
  const px = numParam(params, 'x', 0.5, 0, 1);
  const py = numParam(params, 'y', 0.5, 0, 1);
  const query = params.toString();

  const [sampled, setSampled] = useState<{ seqs: QuantizedNoteSequence[]; ms: number; backend: string }>();
  const [blend, setBlend] = useState<QuantizedNoteSequence[]>();
  const [puck, setPuck] = useState<{ x: number; y: number }>();
  const [selection, setSelection] = useState<Selection>({ kind: 'pattern', index: 0 });
  const [busy, setBusy] = useState<string>();
  const autoRan = useRef(false);

  // Edited patterns (p1…p16) and corners (c1…c4) come from the URL; damaged entries are reported.
  const { patterns, corners, problems } = useMemo(() => {
    const p = new URLSearchParams(query);
    const issues: string[] = [];
    const read = (key: string, fallback: () => QuantizedNoteSequence): QuantizedNoteSequence => {
      const raw = p.get(key);
      if (raw === null) return fallback();
      try {
        return decodeDrumClip(raw, qpm);
      } catch (e) {
        issues.push(`${key} in this link: ${message(e)}`);
        return fallback();
      }
    };
    const pats = (sampled?.seqs ?? []).map((s, i) => read(`p${i + 1}`, () => withTempo(s, qpm)));
    const cs = CORNER_KEYS.map((k, i) => read(k, () => presetClip(DEFAULT_CORNERS[i] ?? 'rock', qpm))) as Corners;
    return { patterns: pats, corners: cs, problems: issues };
  }, [query, sampled, qpm]);

  const sample = useCallback(async (clearEdits: boolean) => {
    setBusy(`Sampling ${n} patterns in the model worker…`);
    try {
      const r = await request({ type: 'music:sample', lab: 'drums', n, temperature, seed, qpm }, 'music:sequences');
      if (clearEdits) {
        // New samples replace the old ones, so their edits go too (a shared link keeps its own).
        const clear: Record<string, undefined> = {};
        for (let i = 1; i <= 16; i++) clear[`p${i}`] = undefined;
        setParams(clear);
      }
      setSampled({ seqs: r.sequences, ms: r.ms, backend: r.backend });
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(undefined);
    }
  }, [n, temperature, seed, qpm, setParams]);

  const makeBlend = useCallback(
    async (cs: Corners) => {
      setBusy(`Decoding a ${BLEND_SIZE}×${BLEND_SIZE} blend grid…`);
      try {
        const r = await request({ type: 'music:grid', corners: cs, size: BLEND_SIZE, temperature: 0, seed, qpm }, 'music:sequences');
        setBlend(r.sequences);
        if (r.notes.length) setNotice(r.notes.join(' '));
      } catch (e) {
        setError(message(e));
      } finally {
        setBusy(undefined);
      }
    },
    [seed, qpm],
  );

  // A shared link reproduces its patterns: sample and blend once the model is ready.
  useEffect(() => {
    if (!model.info || autoRan.current) return;
    autoRan.current = true;
    void sample(false).then(() => makeBlend(corners));
  }, [model.info, sample, makeBlend, corners]);

  const x = puck?.x ?? px;
  const y = puck?.y ?? py;
  const blendIndex = nearestGridCell(BLEND_SIZE, x, y);
  const blended = blend?.[blendIndex];
  const selected: QuantizedNoteSequence | undefined = selection.kind === 'blend' ? blended : patterns[selection.index];
  const selectedName = selection.kind === 'blend' ? 'blend' : `pattern-${selection.index + 1}`;
  const playing = player.playing;

  const play = (group: string, seq: QuantizedNoteSequence | undefined) => {
    if (seq) void player.play(group, [seq], { kind: 'drums', qpm, swing, loop: true });
  };

  const edit = (index: number, drumClass: number, step: number) => {
    const seq = patterns[index];
    if (!seq) return;
    const next = toggleDrumCell(seq, drumClass, step);
    setParams({ [`p${index + 1}`]: encodeDrumClip(next) });
    if (playing?.group === `pattern-${index}`) player.swap([next]);
  };

  const setCorner = (corner: number, seq: QuantizedNoteSequence) => {
    setParams({ [CORNER_KEYS[corner] ?? 'c1']: encodeDrumClip(seq) });
    setBlend(undefined);
  };

  const importCorner = async (corner: number, file: File) => {
    const midi = await readMidiFile(file);
    const found = midiWindows(midi, 'drums');
    const w = pickWindow(found, file.name);
    setCorner(corner, withTempo(w.sequence, qpm));
    setNotice(`${CORNER_NAMES[corner]}: bars ${w.startStep / 16 + 1}–${w.startStep / 16 + 2} of ${file.name}.${found.notes.length ? ' ' + found.notes.join('; ') + '.' : ''}`);
  };

  const exportCtx: ExportContext = { kind: 'drums', qpm, swing, onError, onNotice: setNotice, onBusy: setBusy };

  const movePuck = (nx: number, ny: number) => {
    setPuck({ x: nx, y: ny });
    const next = blend?.[nearestGridCell(BLEND_SIZE, nx, ny)];
    if (next && playing?.group === 'blend') player.swap([next]);
  };

  const ready = model.info !== undefined;
  const stepIn = (group: string): number | undefined => (playing?.group === group ? playing.step : undefined);

  return (
    <div className="music-lab">
      <ErrorAlert message={error} onDismiss={() => setError(undefined)} />
      <ModelPicker lab="drums" model={model} />
      {(problems.length > 0 || notice) && (
        <p className="notice" data-testid="music-notice">
          {[...problems, notice].filter(Boolean).join(' ')}
        </p>
      )}

      <section className="card" aria-label="Sample">
        <div className="controls">
          <label>
            Patterns <input type="number" min={1} max={16} value={n} onChange={(e) => setParams({ n: e.target.value })} data-testid="drums-n" />
          </label>
          <label>
            Temperature{' '}
            <input type="range" min={0.05} max={1.5} step={0.05} value={temperature} onChange={(e) => setParams({ temp: e.target.value })} data-testid="drums-temperature" /> <span className="muted">{temperature.toFixed(2)}</span>
          </label>
          <label>
            Seed <input type="number" min={0} value={seed} onChange={(e) => setParams({ seed: e.target.value })} data-testid="drums-seed" />
          </label>
          <button type="button" onClick={() => void sample(true)} disabled={!ready || busy !== undefined} data-testid="sample-drums">
            Sample new patterns
          </button>
          {sampled && (
            <span className="muted">
              {sampled.seqs.length} patterns in {sampled.ms.toFixed(0)} ms on {sampled.backend.toUpperCase()}
            </span>
          )}
        </div>
        {busy && <ProgressBar label={busy} fraction={0.5} testId="music-busy" />}
      </section>

      <PlaybackBar
        player={player}
        qpm={qpm}
        swing={swing}
        onTempo={(v) => {
          setParams({ qpm: v });
          player.setTempo(v);
        }}
        onSwing={(v) => {
          setParams({ swing: v || undefined });
          player.setSwing(v);
        }}
        onPlay={() => play(selection.kind === 'blend' ? 'blend' : `pattern-${selection.index}`, selected)}
        canPlay={selected !== undefined}
        playLabel={selection.kind === 'blend' ? 'Play the blend' : `Play pattern ${selection.index + 1}`}
        onExportMidi={() => selected && exportMidi(exportCtx, [selected], selectedName)}
        onExportWav={() => selected && void exportWav(exportCtx, [selected], selectedName)}
      />

      <div className="patterns">
        {patterns.map((seq, i) => {
          const isSelected = selection.kind === 'pattern' && selection.index === i;
          return (
            <section key={i} className={`card pattern${isSelected ? ' pattern-selected' : ''}`} aria-label={`Pattern ${i + 1}`} data-testid="drum-pattern" data-edited={params.has(`p${i + 1}`) ? '1' : undefined}>
              <div className="controls">
                <strong>Pattern {i + 1}</strong>
                {params.has(`p${i + 1}`) && <span className="chip">edited</span>}
                <button
                  type="button"
                  onClick={() => {
                    setSelection({ kind: 'pattern', index: i });
                    play(`pattern-${i}`, seq);
                  }}
                  data-testid="play-pattern"
                >
                  ▶ Loop
                </button>
                <label>
                  Put in{' '}
                  <select value="" onChange={(e) => e.target.value !== '' && setCorner(Number(e.target.value), seq)} data-testid="to-corner">
                    <option value="">a corner…</option>
                    {CORNER_NAMES.map((name, c) => (
                      <option key={c} value={c}>
                        {name}
                      </option>
                    ))}
                  </select>
                </label>
                <button type="button" className="link-button" onClick={() => exportMidi(exportCtx, [seq], `pattern-${i + 1}`)}>
                  MIDI
                </button>
              </div>
              <DrumGrid seq={seq} label={`Pattern ${i + 1}`} onToggle={(c, s) => edit(i, c, s)} playStep={stepIn(`pattern-${i}`)} />
            </section>
          );
        })}
      </div>

      <section className="card blend" aria-label="Blend">
        <h2>Blend four patterns</h2>
        <p className="muted">
          Each corner holds a pattern; the square in between holds their blends in the model&apos;s latent space ({BLEND_SIZE}×{BLEND_SIZE}, decoded ahead). Drag the puck while the blend plays.
        </p>
        <div className="blend-layout">
          <div className="corners">
            {corners.map((seq, c) => (
              <figure key={c} className="corner" data-testid="blend-corner">
                <figcaption>
                  <strong>{CORNER_NAMES[c]}</strong>
                  <select
                    value=""
                    onChange={(e) => {
                      if (e.target.value) setCorner(c, presetClip(e.target.value, qpm));
                    }}
                    aria-label={`Preset for the ${CORNER_NAMES[c]?.toLowerCase()} corner`}
                  >
                    <option value="">preset…</option>
                    {DRUM_EXAMPLES.map((ex) => (
                      <option key={ex.id} value={ex.id}>
                        {ex.title}
                      </option>
                    ))}
                  </select>
                  <label className="file-label">
                    MIDI{' '}
                    <input
                      type="file"
                      accept=".mid,.midi,audio/midi,audio/x-midi"
                      data-testid={`corner-file-${c + 1}`}
                      onChange={(e) => {
                        const file = e.target.files?.[0];
                        e.target.value = '';
                        if (file) importCorner(c, file).catch((err: unknown) => setError(`${CORNER_NAMES[c]} corner: ${message(err)}`));
                      }}
                    />
                  </label>
                </figcaption>
                <DrumGrid seq={seq} label={`${CORNER_NAMES[c]} corner`} small />
              </figure>
            ))}
            <button type="button" onClick={() => void makeBlend(corners)} disabled={!ready || busy !== undefined} data-testid="blend">
              Blend the corners
            </button>
          </div>
          <div className="blend-side">
            <BlendPad
              size={BLEND_SIZE}
              x={x}
              y={y}
              disabled={!blend}
              cornerLabels={['1', '2', '3', '4']}
              onMove={(nx, ny) => {
                setSelection({ kind: 'blend' });
                movePuck(nx, ny);
              }}
              onRelease={(nx, ny) => setParams({ x: nx.toFixed(3), y: ny.toFixed(3) })}
            />
            <div className="controls">
              <button
                type="button"
                onClick={() => {
                  setSelection({ kind: 'blend' });
                  play('blend', blended);
                }}
                disabled={!blended}
                data-testid="play-blend"
              >
                ▶ Loop the blend
              </button>
              {!blend && <span className="muted">Press “Blend the corners” to decode the square.</span>}
            </div>
            {blended && (
              <figure className="corner">
                <figcaption>
                  <strong>The blend at the puck</strong> (cell {blendIndex + 1} of {BLEND_SIZE * BLEND_SIZE})
                </figcaption>
                <DrumGrid seq={blended} label="Blend at the puck" playStep={stepIn('blend')} testId="blend-pattern" />
              </figure>
            )}
          </div>
        </div>
      </section>
    </div>
  );
}
