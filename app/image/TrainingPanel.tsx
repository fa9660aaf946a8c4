'use client';
/**
 * Training in the browser (in the model worker): settings, start / pause / resume / stop, a progress
 * bar with ETA and a live loss chart; saving to this browser, downloading and uploading models.
 */
import { describeError } from '@/lib/core/errors';
import { useRef, useState, type ReactNode } from 'react';
import { ProgressBar } from '@/app/_components/ProgressBar';
import { cancelRequest, request, startCall } from '@/app/_workers/client';
import type { BatchStatsMessage, EpochStatsMessage, ModelInfo } from '@/lib/image/protocol';
import { BROWSER_TRAIN_LIMITS, browserTrainErrors, type BrowserTrainSettings } from '@/lib/image/train-options';
import { count } from '@/lib/core/text';

interface Props {
  model: ModelInfo;
  /** Called after each epoch and at the end: the views should refresh. */
  onWeightsChanged: () => void;
  /** Where the weights now come from (e.g. "pretrained (shipped), then trained here for 2 epochs"). */
  onSourceChanged: (source: string) => void;
  onError: (message: string) => void;
  /** Loads a fresh (untrained) model of the same kind before training from scratch. */
  onFresh: () => Promise<void>;
  onLoadSaved: (name: string) => Promise<void>;
  onUploaded: (files: File[]) => Promise<void>;
  busy: boolean;
  onTrainingChange: (training: boolean) => void;
}

import { LossChart, type LossPoint as Point } from './LossChart';
import { SaveBox } from './SaveBox';
type Field = keyof BrowserTrainSettings;

/** A training setting with its error, if any, right next to it (linked for screen readers). */
function SettingField({
  field,
  label,
  error,
  children,
  title,
}: {
  field: Field;
  label: string;
  error: string | undefined;
  children: (props: { id: string; 'aria-invalid'?: true; 'aria-describedby'?: string }) => ReactNode;
  title?: string;
}) {
  const id = `train-${field}`;
  return (
    <span className="field" title={title}>
      <label htmlFor={id}>{label}</label> {children({ id, ...(error ? { 'aria-invalid': true, 'aria-describedby': `${id}-error` } : {}) })}
      {error && (
        <span className="field-error" id={`${id}-error`} data-testid={`${id}-error`}>
          {error}
        </span>
      )}
    </span>
  );
}

export function TrainingPanel({ model, onWeightsChanged, onSourceChanged, onError, onFresh, onLoadSaved, onUploaded, busy, onTrainingChange }: Props) {
  const [epochs, setEpochs] = useState(2);
  const [batchSize, setBatchSize] = useState(model.defaults.batchSize);
  const [learningRate, setLearningRate] = useState(model.defaults.learningRate);
  const [subset, setSubset] = useState(0);
  const [inputNoise, setInputNoise] = useState(0);
  const cleanInput = model.corruption === 'none';
  const [fromScratch, setFromScratch] = useState(false);
  const [running, setRunning] = useState<number | undefined>();
  const [paused, setPaused] = useState(false);
  const [progress, setProgress] = useState<{ fraction: number; eta: number; label: string }>();
  const [points, setPoints] = useState<Point[]>([]);
  const [lastEpoch, setLastEpoch] = useState<EpochStatsMessage>();
  const [status, setStatus] = useState('');
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const started = useRef(0);
  const panel = useRef<HTMLElement>(null);
  /** A changed field drops its error. */
  const edited = (field: Field) => setErrors((e) => (e[field] ? { ...e, [field]: undefined } : e));

  const start = async () => {
    const found = browserTrainErrors({ epochs, batchSize, learningRate, ...(cleanInput ? { inputNoise } : {}) });
    const fields = (Object.keys(found) as Field[]).filter((f) => found[f]);
    setErrors(found);
    if (fields.length) {
      // Next to each field, in the page's alert region too, and the first bad field gets the focus (and comes into view).
      onError(fields.map((f) => found[f]).join(' '));
      panel.current?.querySelector<HTMLInputElement>(`#train-${fields[0]}`)?.focus();
      return;
    }
    try {
      if (fromScratch) await onFresh();
      setPoints([]);
      setLastEpoch(undefined);
      setPaused(false);
      setStatus('');
      started.current = performance.now();
      onTrainingChange(true);
      const call = startCall(
        {
          type: 'image:train',
          epochs,
          batchSize,
          learningRate,
          inputNoise: cleanInput && inputNoise > 0 ? inputNoise : undefined,
          seed: 1,
          subset: subset || undefined,
        },
        (event) => {
          if (event.type === 'image:batch') {
            const s: BatchStatsMessage = event.stats;
            const elapsed = (performance.now() - started.current) / 1000;
            setProgress({
              fraction: s.progress,
              eta: (elapsed / s.progress) * (1 - s.progress),
              label: `Epoch ${s.epoch}/${epochs}, batch ${s.batch}/${s.batches}, ${Math.round(s.examplesPerSecond)} digits/s`,
            });
            setPoints((p) => [...p, { x: s.epoch - 1 + s.batch / s.batches, loss: s.loss, series: 'train (batch)' }]);
          } else if (event.type === 'image:epoch') {
            const e: EpochStatsMessage = event.stats;
            onSourceChanged(event.source);
            setLastEpoch(e);
            setPoints((p) => [...p, { x: e.epoch, loss: e.testLoss, series: 'test (epoch)' }]);
            onWeightsChanged();
          }
        },
      );
      setRunning(call.id);
      const result = await call.done;
      if (result.type === 'image:trained') {
        onSourceChanged(result.source);
        setStatus(
          result.stoppedBy === 'cancelled'
            ? `Stopped after ${count(result.epochs.length, 'complete epoch')}; the model keeps its newest weights.`
            : `Trained ${count(result.epochs.length, 'epoch')} in ${result.seconds.toFixed(1)} s.`,
        );
      }
      onWeightsChanged();
    } catch (error) {
      onError(describeError(error));
      onWeightsChanged();
    } finally {
      setRunning(undefined);
      setPaused(false);
      onTrainingChange(false);
    }
  };

  const pause = async (p: boolean) => {
    await request({ type: 'image:pause', paused: p }, 'ok');
    setPaused(p);
  };

  const stop = async () => {
    if (running === undefined) return;
    if (paused) await pause(false);
    cancelRequest(running);
  };

  const training = running !== undefined;
  return (
    <section className="card train-panel" aria-labelledby="train-h" ref={panel}>
      <h2 id="train-h">Train in your browser</h2>
      <div className="controls">
        <SettingField field="epochs" label="Epochs" error={errors.epochs}>
          {(a) => (
            <input
              {...a}
              type="number"
              min={BROWSER_TRAIN_LIMITS.epochs[0]}
              max={BROWSER_TRAIN_LIMITS.epochs[1]}
              value={epochs}
              onChange={(e) => (setEpochs(Number(e.target.value)), edited('epochs'))}
              data-testid="train-epochs"
              disabled={training}
            />
          )}
        </SettingField>
        <SettingField field="batchSize" label="Batch size" error={errors.batchSize}>
          {(a) => (
            <input
              {...a}
              type="number"
              min={BROWSER_TRAIN_LIMITS.batchSize[0]}
              max={BROWSER_TRAIN_LIMITS.batchSize[1]}
              value={batchSize}
              onChange={(e) => (setBatchSize(Number(e.target.value)), edited('batchSize'))}
              data-testid="train-batch"
              disabled={training}
            />
          )}
        </SettingField>
        <SettingField field="learningRate" label="Learning rate" error={errors.learningRate}>
          {(a) => (
            <input
              {...a}
              type="number"
              step="0.0005"
              min={BROWSER_TRAIN_LIMITS.learningRate[0]}
              max={BROWSER_TRAIN_LIMITS.learningRate[1]}
              value={learningRate}
              onChange={(e) => (setLearningRate(Number(e.target.value)), edited('learningRate'))}
              data-testid="train-lr"
              disabled={training}
            />
          )}
        </SettingField>
        {cleanInput && (
          <SettingField
            field="inputNoise"
            label="Encoder input noise σ"
            error={errors.inputNoise}
            title="Training only: the encoder sees each digit plus Gaussian noise of this σ and the decoder must rebuild the clean digit. It keeps the encoder from placing only its training digits well (the shipped 2-D VAE uses 0.1). 0 = off."
          >
            {(a) => (
              <input
                {...a}
                type="number"
                step="0.05"
                min={BROWSER_TRAIN_LIMITS.inputNoise[0]}
                max={BROWSER_TRAIN_LIMITS.inputNoise[1]}
                value={inputNoise}
                onChange={(e) => (setInputNoise(Number(e.target.value)), edited('inputNoise'))}
                data-testid="train-input-noise"
                disabled={training}
              />
            )}
          </SettingField>
        )}
        <label>
          Digits{' '}
          <select value={subset} onChange={(e) => setSubset(Number(e.target.value))} data-testid="train-subset" disabled={training}>
            <option value={0}>all training digits</option>
            <option value={1000}>first 1,000 (quick)</option>
            <option value={256}>first 256 (very quick)</option>
          </select>
        </label>
        <label>
          <input type="checkbox" checked={fromScratch} onChange={(e) => setFromScratch(e.target.checked)} disabled={training} data-testid="train-scratch" />{' '}
          start from scratch
        </label>
      </div>
      <div className="controls">
        {!training ? (
          <button type="button" onClick={() => void start()} disabled={busy} data-testid="train-start">
            {fromScratch ? 'Train from scratch' : 'Train (continue from these weights)'}
          </button>
        ) : (
          <>
            <button type="button" onClick={() => void pause(!paused)} data-testid="train-pause">
              {paused ? 'Resume' : 'Pause'}
            </button>
            <button type="button" onClick={() => void stop()} data-testid="train-stop">
              Stop
            </button>
          </>
        )}
      </div>
      {progress && (training || progress.fraction >= 1) && (
        <ProgressBar
          label={paused ? `Paused — ${progress.label}` : progress.label}
          fraction={progress.fraction}
          etaSeconds={paused ? undefined : progress.eta}
          testId="train-progress"
        />
      )}
      {status && (
        <p className="muted" data-testid="train-status" role="status">
          {status}
        </p>
      )}
      {lastEpoch && (
        <p className="muted" data-testid="train-epoch">
          Epoch {lastEpoch.epoch}: train loss {lastEpoch.trainLoss.toFixed(4)}, test loss {lastEpoch.testLoss.toFixed(4)} ({lastEpoch.seconds.toFixed(1)} s)
        </p>
      )}
      <LossChart points={points} variational={model.variational} />
      <SaveBox training={training} onStatus={setStatus} onError={onError} onLoadSaved={onLoadSaved} onUploaded={onUploaded} />
    </section>
  );
}
