'use client';
/**
 * "Teach it your style": fine-tune the lab's MusicVAE on the user's own MIDI files (or a classroom
 * session's entries) in the model worker — the windows found and the files refused, the mode
 * (chosen by measurement, docs/fine-tuning.md), a live loss/accuracy chart, an honest progress bar
 * with ETA, pause/resume/stop; then before and after side by side, and the result saved in this
 * browser (usable in every lab, in Compare and as a challenge's model) or exported. A run saves
 * itself as it goes, so a closed tab loses at most the last half minute and is offered again.
 *
 * Mounted by a lab with one line: `<FineTunePanel lab="melody" model={model} onError={onError} />`.
 */
import { useState } from 'react';
import { formatSeconds, ProgressBar } from '@/app/_components/ProgressBar';
import { usePlayer } from '@/app/_components/media/usePlayer';
import { savedModelNameSchema } from '@/lib/music/finetune-card';
import { DEFAULT_FINETUNE_MODE, FINETUNE_MODE_INFO, FINETUNE_MODES, type FineTuneMode } from '@/lib/music/finetune-recipe';
import { MAX_FINETUNE_STEPS } from '@/lib/music/finetune-protocol';
import { MAX_MIDI_BYTES } from '@/lib/music/midi';
import type { MusicModelSource } from '@/lib/music/protocol';
import { BeforeAfter } from './finetune/BeforeAfter';
import { ClassroomEntries } from './finetune/ClassroomEntries';
import { FineTuneChart } from './finetune/FineTuneChart';
import { SavedFineTunes } from './finetune/SavedFineTunes';
import { useFineTune } from './finetune/useFineTune';
import './finetune/finetune.css';
import type { MusicModelState } from './useMusicModel';

/** The lab's current model as a starting point (a picked folder cannot be sent again: the shipped one then). */
function baseOf(model: MusicModelState): { source: MusicModelSource; name: string } {
  const info = model.info;
  if (info?.source === 'url') return { source: { kind: 'url', url: info.location }, name: info.name };
  if (info?.source === 'saved') return { source: { kind: 'saved', name: info.name }, name: info.name };
  return { source: { kind: 'shipped' }, name: info?.source === 'shipped' ? info.name : 'the shipped model' };
}

async function readFiles(list: readonly File[], onError: (m: string) => void): Promise<{ name: string; bytes: Uint8Array }[]> {
  const big = list.find((f) => f.size > MAX_MIDI_BYTES);
  if (big) onError(`${big.name} is ${(big.size / 1e6).toFixed(1)} MB; MIDI files up to ${MAX_MIDI_BYTES / 1024 / 1024} MB are read (it was left out).`);
  return Promise.all(list.filter((f) => f.size <= MAX_MIDI_BYTES).map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
}

export function FineTunePanel({ lab, model, onError }: { lab: 'melody' | 'drums'; model: MusicModelState; onError: (message: string) => void }) {
  const ft = useFineTune(lab, onError);
  const player = usePlayer(onError);
  const [mode, setMode] = useState<FineTuneMode>(DEFAULT_FINETUNE_MODE);
  const [steps, setSteps] = useState(100);
  const [minutes, setMinutes] = useState(3);
  const [name, setName] = useState(lab === 'melody' ? 'my-melodies' : 'my-grooves');
  const [status, setStatus] = useState('');
  const base = baseOf(model);
  const busy = ft.running || ft.preparing;

  const onFiles = async (list: readonly File[]) => {
    const files = await readFiles(list, onError);
    if (files.length > 0) await ft.prepare(files);
  };
  const start = (resume = false) => {
    setStatus('');
    void ft.train({ mode, base: base.source, steps, ...(minutes > 0 ? { maxSeconds: minutes * 60 } : {}), resume });
  };
  const save = async () => {
    const parsed = savedModelNameSchema.safeParse(name);
    if (!parsed.success) return onError(`"${name}" cannot name a model: use ${parsed.error.issues[0]?.message ?? 'letters and digits'}.`);
    if (await ft.save(parsed.data))
      setStatus(
        `Saved as "${parsed.data}" in this browser: use it from "Your fine-tuned models" below (in this lab and after a reload), or as saved:${parsed.data} in Compare and classroom challenges.`,
      );
  };

  const remove = async (n: string) => {
    setStatus(`Deleting "${n}"…`);
    const inUse = model.info?.source === 'saved' && model.info.name === n;
    setStatus(
      (await ft.remove(n))
        ? `Deleted "${n}" from this browser.${inUse ? ' The lab keeps using it until you choose another model or reload.' : ''}`
        : `"${n}" was not deleted.`,
    );
  };

  const p = ft.progress;
  const fraction = p?.phase === 'training' ? Math.min(1, Math.max(p.done / Math.max(1, p.total), minutes > 0 ? p.seconds / (minutes * 60) : 0)) : undefined;
  const label = !p
    ? 'Starting…'
    : p.phase === 'training'
      ? `${ft.paused ? 'Paused — ' : ''}${p.label}${p.checkpointedAt ? ` · saved in this browser at ${new Date(p.checkpointedAt).toLocaleTimeString()}` : ''}`
      : p.label;

  return (
    <section
      className="card train-panel finetune-panel"
      aria-labelledby={`finetune-${lab}-h`}
      data-testid="finetune-panel"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (!busy) void onFiles(Array.from(e.dataTransfer.files));
      }}
    >
      <h2 id={`finetune-${lab}-h`}>Teach it your style</h2>
      <p className="muted">
        Drop a few MIDI files of your own ({lab === 'melody' ? 'melodies: a student’s tunes, a band’s lead lines' : 'drum takes or patterns'}) and fine-tune{' '}
        {base.name} on them, here in your browser. Some of your files are held back to show what it learned on music it never saw.
      </p>
      {ft.checkpoint && !ft.running && (
        <div className="controls" role="status" data-testid="finetune-resume">
          <span>
            A fine-tuning from {new Date(ft.checkpoint.savedAt).toLocaleString()} ({FINETUNE_MODE_INFO[ft.checkpoint.mode].title.toLowerCase()} of{' '}
            {ft.checkpoint.base}, step {ft.checkpoint.step} of {ft.checkpoint.until}) was saved as it went.
          </span>
          <button type="button" onClick={() => start(true)} data-testid="finetune-resume-button">
            {ft.checkpoint.step < ft.checkpoint.until ? 'Resume it' : 'Open it'}
          </button>
          <button type="button" className="link-button" onClick={() => void ft.discard()}>
            discard
          </button>
        </div>
      )}
      <div className="controls">
        <label className="file-label">
          MIDI files{' '}
          <input
            type="file"
            multiple
            accept=".mid,.midi,audio/midi"
            disabled={busy}
            data-testid="finetune-files"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              e.target.value = '';
              void onFiles(files);
            }}
          />
        </label>
        <ClassroomEntries lab={lab} disabled={busy} onFiles={(files) => void ft.prepare(files)} onError={onError} />
      </div>
      {ft.preparing && <ProgressBar label="Reading your files in the model worker…" testId="finetune-reading" />}
      {ft.prepared && (
        <div data-testid="finetune-found">
          <p>
            Found <strong>{ft.prepared.trainWindows + ft.prepared.heldBackWindows}</strong> two-bar windows: {ft.prepared.trainWindows} to learn from,{' '}
            {ft.prepared.heldBackWindows} held back ({ft.prepared.heldBackNote}).
          </p>
          <ul className="finetune-files small">
            {ft.prepared.files.map((f) => (
              <li key={f.name} data-testid={f.refused ? 'finetune-refused' : 'finetune-file'} className={f.refused ? 'field-error' : undefined}>
                {f.refused
                  ? `Refused: ${f.refused}`
                  : `${f.name}: ${f.windows} window${f.windows === 1 ? '' : 's'}${f.sparse ? ` (${f.sparse} nearly silent left out)` : ''}`}
              </li>
            ))}
          </ul>
        </div>
      )}
      <fieldset className="controls" disabled={busy}>
        <legend>What learns</legend>
        {FINETUNE_MODES.map((m) => (
          <label key={m} title={FINETUNE_MODE_INFO[m].summary}>
            <input type="radio" name={`finetune-mode-${lab}`} value={m} checked={mode === m} onChange={() => setMode(m)} data-testid={`finetune-mode-${m}`} />{' '}
            {FINETUNE_MODE_INFO[m].title}
            {m === DEFAULT_FINETUNE_MODE ? ' (recommended)' : ''}
          </label>
        ))}
      </fieldset>
      <p className="muted small">
        {FINETUNE_MODE_INFO[mode].summary}
        {mode === DEFAULT_FINETUNE_MODE
          ? ' Recommended: in our measurements it gained the most on held-back tunes in three minutes while POP909 lost the least for that gain (docs/fine-tuning.md).'
          : ''}
      </p>
      <div className="controls">
        <label>
          Steps{' '}
          <input
            type="number"
            min={1}
            max={MAX_FINETUNE_STEPS}
            value={steps}
            onChange={(e) => setSteps(Math.max(1, Math.min(MAX_FINETUNE_STEPS, Math.round(Number(e.target.value) || 1))))}
            disabled={busy}
            data-testid="finetune-steps"
          />
        </label>
        <label>
          stop after{' '}
          <input
            type="number"
            min={0}
            max={120}
            value={minutes}
            onChange={(e) => setMinutes(Math.max(0, Math.min(120, Number(e.target.value) || 0)))}
            disabled={busy}
            data-testid="finetune-minutes"
          />{' '}
          minutes <span className="muted small">(0 = no limit)</span>
        </label>
        {!ft.running ? (
          <button type="button" onClick={() => start()} disabled={busy || !ft.prepared || !model.info} data-testid="finetune-start">
            Fine-tune
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void ft.pause(!ft.paused)} data-testid="finetune-pause">
              {ft.paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" onClick={() => void ft.stop()} data-testid="finetune-stop">
              Stop
            </button>
          </>
        )}
      </div>
      {ft.running && (
        <ProgressBar
          label={label}
          fraction={fraction}
          etaSeconds={ft.paused || !p || p.phase !== 'training' ? undefined : p.etaSeconds}
          testId="finetune-progress"
        />
      )}
      {(ft.running || ft.curve.length > 0) && <FineTuneChart curve={ft.curve} />}
      {ft.trained && (
        <p role="status" data-testid="finetune-result">
          {ft.trained.stoppedBy === 'nan'
            ? `Stopped: ${ft.trained.message ?? 'the loss became NaN'} The model keeps the weights of step ${ft.trained.step}.`
            : `${ft.trained.stoppedBy === 'stopped' ? 'Stopped' : ft.trained.stoppedBy === 'time' ? 'Time is up' : 'Done'} after ${ft.trained.step} steps (${formatSeconds(ft.trained.seconds)} of training on ${ft.trained.backend.toUpperCase()}, ${ft.trained.workers > 1 ? `${ft.trained.workers} workers, one per core` : `${ft.trained.threads} thread${ft.trained.threads === 1 ? '' : 's'}`}).${ft.trained.note ? ` ${ft.trained.note}` : ''}`}
        </p>
      )}
      {ft.compared && <BeforeAfter kind={lab} compared={ft.compared} player={player} />}
      {ft.trained && (
        <div className="controls">
          <label>
            Name <input value={name} onChange={(e) => setName(e.target.value)} maxLength={48} data-testid="finetune-name" />
          </label>
          <button type="button" onClick={() => void save()} disabled={busy} data-testid="finetune-save">
            Save in this browser
          </button>
        </div>
      )}
      {status && (
        <p className="muted" role="status" data-testid="finetune-status">
          {status}
        </p>
      )}
      <details open={(ft.saved?.length ?? 0) > 0}>
        <summary>Your fine-tuned models</summary>
        <SavedFineTunes
          models={ft.saved ?? []}
          busy={busy || model.loading !== undefined}
          onUse={(n) => void model.load({ kind: 'saved', name: n })}
          onDelete={(n) => void remove(n)}
          onExport={ft.exportFolder}
        />
      </details>
    </section>
  );
}
