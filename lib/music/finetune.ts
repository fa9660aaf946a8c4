/**
 * Fine-tuning a trained MusicVAE on a few of one's own windows, framework-free (the model worker and
 * Node run the same code): the whole model, the decoder only, or a MidiMe-style small latent model
 * on top of the frozen one (./latent-vae). Every random draw (batch order, transpositions, noise)
 * is a function of the recipe's seed and the step, and the whole state is plain data
 * ({@link FineTuneState}), so a run saved as it goes (IndexedDB in the browser) continues exactly
 * where it stopped. A NaN loss stops the run with the weights of the last good step.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { tensorsToNamedValues, type NamedValues } from '../core/checkpoint-write';
import { CancelledError, InvalidInputError, TrainingDivergedError } from '../core/errors';
import { createRng, deriveSeed } from '../core/random';
import { transposeMelodyLabels } from './dataset';
import { fineTuneRecipeSchema, rehearsedPerBatch, type FineTuneRecipe } from './finetune-recipe';
import { LatentVae } from './latent-vae';
import { MusicVAE } from './music-vae';
import type { MusicVaeConfig } from './music-vae-config';
import { batchTensors } from './train-batch';
import { MusicVaeTrainer } from './train';
import { ParallelTrainer, type SpawnPeer } from './train-parallel';
import type { TrainHyperparams } from './train-options';

const namedValuesSchema = z.object({
  name: z.string(),
  shape: z.array(z.number().int().nonnegative()),
  values: z.custom<Float32Array>((v) => v instanceof Float32Array, 'expected a Float32Array'),
});

/** A fine-tuning run as plain data: enough to continue it exactly, or to build its model. */
export const fineTuneStateSchema = z.object({
  version: z.literal(1),
  kind: z.enum(['melody', 'drums']),
  config: z.object({ type: z.literal('MusicVAE'), dataConverter: z.object({ type: z.string(), args: z.record(z.string(), z.unknown()) }) }),
  recipe: fineTuneRecipeSchema,
  step: z.number().int().nonnegative(),
  /** Seconds of training so far (pauses excluded). */
  seconds: z.number().nonnegative(),
  history: z.array(z.object({ step: z.number().int(), seconds: z.number(), loss: z.number(), accuracy: z.number() })),
  /** The big model's weights (as fine-tuned so far; unchanged in the latent mode). */
  weights: z.array(namedValuesSchema),
  /** The latent mode's small model. */
  latent: z.array(namedValuesSchema).optional(),
  /** Adam's state. */
  optimizer: z.array(namedValuesSchema),
});
export type FineTuneState = z.infer<typeof fineTuneStateSchema>;

export interface FineTuneStep {
  step: number;
  loss: number;
  /** Teacher-forced accuracy on the batch (NaN in the latent mode, which rebuilds codes, not notes). */
  accuracy: number;
  seconds: number;
}

/** A fine-tuned model: the big model (new instance) and, in the latent mode, the small one. The caller disposes both. */
export interface FineTunedModel {
  vae: MusicVAE;
  latent?: LatentVae;
}

/**
 * Scheduled sampling already at its end (every decoder step fed the decoder's own sample): the
 * trainer's schedule is Magenta's inverse sigmoid 1 − k/(k + e^{s/k}); with k = 1 and the clock
 * started 20 steps back it is above 1 − 10⁻⁸ from step 0 on.
 */
function samplingSchedule(on: boolean): { samplingRate: number; samplingFrom?: number } {
  // Off is said explicitly (0), so a trainer's defaults merged underneath (train:music) cannot turn it on.
  return on ? { samplingRate: 1, samplingFrom: -20 } : { samplingRate: 0 };
}

/**
 * The training recipe of a fine-tuning as the trainer's hyperparameters (sizes aside): a constant
 * learning rate and β (no warm-up, no decay), and scheduled sampling already at its end.
 */
export function fineTuneHyperparams(recipe: FineTuneRecipe): Omit<TrainHyperparams, 'encoderUnits' | 'decoderUnits' | 'zDims'> {
  return {
    maxBeta: recipe.maxBeta,
    betaRate: 0,
    freeBits: recipe.freeBits,
    learningRate: recipe.learningRate,
    decayRate: recipe.decay,
    minLearningRate: recipe.decay < 1 ? Math.min(recipe.minLearningRate, recipe.learningRate) : recipe.learningRate,
    ...(recipe.warmup > 0 ? { warmupSteps: recipe.warmup } : {}),
    clipNorm: 1,
    seed: recipe.seed,
    ...samplingSchedule(recipe.sampling),
    latentNoise: recipe.noise,
  };
}

/** The part a mode trains when it trains only one (the other stays as it is). */
export function trainedPart(mode: FineTuneRecipe['mode']): 'encoder' | 'decoder' | undefined {
  return mode === 'encoder' || mode === 'decoder' ? mode : undefined;
}

/** The windows of step `step`: an epoch-wise shuffle of all windows (every window once per epoch). */
export function fineTuneBatch<T>(items: readonly T[], step: number, batchSize: number, seed: number): T[] {
  const size = Math.min(batchSize, items.length);
  const perEpoch = Math.max(1, Math.floor(items.length / size));
  const epoch = Math.floor(step / perEpoch);
  const k = step % perEpoch;
  const order = createRng(deriveSeed(seed, 'epoch', epoch)).shuffled(items.map((_, i) => i));
  return order.slice(k * size, (k + 1) * size).map((i) => items[i] as T);
}

export class FineTuner {
  private trainer: MusicVaeTrainer | undefined;
  /** With {@link shareSteps}: the trainer plus peers that compute shares of each step. */
  private parallel: ParallelTrainer | undefined;
  private latent: LatentVae | undefined;
  /** Latent mode: the frozen model's μ of every training window. */
  private codes: Float32Array[] = [];
  /** With `recipe.rehearsal`: windows the base model wrote (greedy decodes of random codes), mixed into each batch. */
  private replay: Int32Array[] = [];
  private baseWeights: NamedValues[] = [];
  readonly history: FineTuneState['history'];
  seconds: number;

  private constructor(
    readonly config: MusicVaeConfig,
    readonly kind: 'melody' | 'drums',
    readonly recipe: FineTuneRecipe,
    private readonly train: readonly Int32Array[],
    private readonly outputDepth: number,
    state: Pick<FineTuneState, 'history' | 'seconds'>,
  ) {
    this.history = state.history.map((h) => ({ ...h }));
    this.seconds = state.seconds;
  }

  /**
   * Starts fine-tuning `base` (loaded with `keepVariables: true`; not disposed) on `train` windows,
   * or continues `resume` (a state from {@link state}; its weights replace the base's).
   */
  static async create(base: MusicVAE, train: readonly Int32Array[], recipe: FineTuneRecipe, resume?: FineTuneState): Promise<FineTuner> {
    if (!base.variables) throw new InvalidInputError('Load the model with keepVariables: true to fine-tune it.');
    if (train.length === 0) throw new InvalidInputError('Fine-tuning needs windows to learn from.');
    if (resume && (resume.recipe.mode !== recipe.mode || resume.kind !== base.converter.kind))
      throw new InvalidInputError(
        `The saved run is a ${resume.kind} "${resume.recipe.mode}" fine-tuning; it cannot continue as ${base.converter.kind} "${recipe.mode}".`,
      );
    const tuner = new FineTuner(base.config, base.converter.kind, recipe, train, base.converter.outputDepth, resume ?? { history: [], seconds: 0 });
    const weights = resume?.weights ?? (await tensorsToNamedValues(base.variables));
    tuner.baseWeights = weights;
    const slots = resume?.optimizer ?? [];
    if (recipe.mode === 'latent') {
      tuner.latent = new LatentVae({ inputDims: base.zDims, ...recipe.latent, learningRate: recipe.learningRate, seed: recipe.seed }, resume?.latent);
      tuner.latent.step = resume?.step ?? 0;
      if (slots.length > 0) await tuner.latent.setOptimizerValues(slots);
      tuner.codes = await codesOf(base, train);
    } else {
      const { encoderUnits, decoderUnits, zDims } = base.sizes;
      const hparams: TrainHyperparams = { encoderUnits, decoderUnits, zDims, ...fineTuneHyperparams(recipe) };
      const only = trainedPart(recipe.mode);
      const frozen = only ? (name: string) => !name.startsWith(`${only}/`) : undefined;
      tuner.trainer = new MusicVaeTrainer(base.converter, hparams, weights, frozen);
      if (recipe.rehearsal > 0) tuner.replay = await rehearsalWindows(base, recipe.seed);
      tuner.trainer.step = resume?.step ?? 0;
      if (slots.length > 0) {
        const tensors = Object.fromEntries(slots.map((s) => [s.name, tf.tensor(s.values, s.shape)]));
        try {
          await tuner.trainer.setOptimizerWeights(tensors);
        } finally {
          tf.dispose(Object.values(tensors));
        }
      }
    }
    return tuner;
  }

  get step(): number {
    return this.latent?.step ?? this.trainer?.step ?? 0;
  }

  /** The training windows of `step`: the user's (transposed, melodies) and, with rehearsal, the base model's own. */
  windowsAt(step: number): Int32Array[] {
    const { batchSize, seed, rehearsal } = this.recipe;
    const replayed = this.replay.length > 0 ? rehearsedPerBatch(batchSize, rehearsal) : 0;
    const picked = fineTuneBatch(this.train, step, batchSize - replayed, seed);
    const replay = replayed > 0 ? fineTuneBatch(this.replay, step, replayed, deriveSeed(seed, 'rehearsal')) : [];
    const shift = this.recipe.transpose;
    if (this.kind !== 'melody' || shift <= 0) return [...picked, ...replay];
    const rng = createRng(deriveSeed(seed, 'transpose', step));
    return [...picked.map((w) => transposeMelodyLabels(w, rng.int(2 * shift + 1) - shift, this.outputDepth) ?? w), ...replay];
  }

  /**
   * One optimisation step. Throws {@link TrainingDivergedError} (weights unchanged) on a NaN loss.
   */
  async trainStep(): Promise<FineTuneStep> {
    const t0 = performance.now();
    const step = this.step;
    let loss: number;
    let accuracy: number;
    if (this.latent) {
      const picked = fineTuneBatch(this.codes, step, this.recipe.batchSize, this.recipe.seed);
      const zDims = this.latent.spec.inputDims;
      const flat = new Float32Array(picked.length * zDims);
      picked.forEach((c, i) => flat.set(c, i * zDims));
      const z = tf.tensor2d(flat, [picked.length, zDims]);
      try {
        loss = (await this.latent.trainStep(z, deriveSeed(this.recipe.seed, 'noise', step))).loss;
      } finally {
        z.dispose();
      }
      accuracy = NaN;
    } else {
      const trainer = this.trainer as MusicVaeTrainer;
      // Alone, a one-participant ParallelTrainer is the trainer's own step on the batch.
      const steps = this.parallel ?? new ParallelTrainer(trainer, trainer.converter, 1);
      ({ loss, accuracy } = await steps.trainStep(this.windowsAt(step), deriveSeed(this.recipe.seed, 'noise', step)));
    }
    this.seconds += (performance.now() - t0) / 1000;
    const entry = { step: this.step, seconds: this.seconds, loss, accuracy };
    this.history.push(entry);
    return entry;
  }

  /** The run as plain data (copies; nothing shared with the live tensors). */
  async state(): Promise<FineTuneState> {
    const optimizer: NamedValues[] = [];
    if (this.latent) optimizer.push(...(await this.latent.optimizerValues()));
    else {
      // Adam's first weight is its step count, made afresh for each call: ours to dispose.
      const weights = await (this.trainer as MusicVaeTrainer).optimizerWeights();
      try {
        for (const w of weights) optimizer.push({ name: w.name, shape: w.tensor.shape.slice(), values: Float32Array.from(await w.tensor.data()) });
      } finally {
        weights[0]?.tensor.dispose();
      }
    }
    return {
      version: 1,
      kind: this.kind,
      config: { type: 'MusicVAE', dataConverter: { type: this.config.dataConverter.type, args: { ...(this.config.dataConverter.args ?? {}) } } },
      recipe: this.recipe,
      step: this.step,
      seconds: this.seconds,
      history: this.history.map((h) => ({ ...h })),
      weights: this.trainer ? await this.trainer.toNamedValues() : this.baseWeights,
      ...(this.latent ? { latent: await this.latent.toNamedValues() } : {}),
      optimizer,
    };
  }

  /** The model as fine-tuned so far (new instances: the caller disposes them). */
  async model(): Promise<FineTunedModel> {
    return fineTunedModel(await this.state());
  }

  /**
   * Shares every following step among `participants` (this thread and peers started by `spawn`,
   * each with a copy of the model and Adam's state as they are now; see train-parallel.ts): the same
   * updates up to float rounding, in less time on several cores. Nothing changes for the latent mode
   * or one participant. Call {@link stopSharing} when the run pauses for long or ends (the peers hold
   * copies of the model).
   */
  async shareSteps(participants: number, spawn: SpawnPeer): Promise<number> {
    await this.stopSharing();
    if (!this.trainer || participants <= 1) return 1;
    const parallel = new ParallelTrainer(this.trainer, this.trainer.converter, participants, spawn);
    await parallel.start();
    this.parallel = parallel;
    return participants;
  }

  /** Closes the peers of {@link shareSteps}; steps run in this thread alone again. */
  async stopSharing(): Promise<void> {
    const parallel = this.parallel;
    this.parallel = undefined;
    await parallel?.close();
  }

  dispose(): void {
    void this.stopSharing();
    this.trainer?.dispose();
    this.latent?.dispose();
    this.trainer = undefined;
    this.latent = undefined;
  }
}

/** A MusicVAE of `weights` (plain values, e.g. a saved state's or an --init checkpoint's read once); the caller disposes it. */
export function musicVaeFromValues(config: MusicVaeConfig, weights: readonly NamedValues[], name: string): MusicVAE {
  const vars: tf.NamedTensorMap = Object.fromEntries(weights.map((w) => [w.name, tf.tensor(w.values, w.shape)]));
  return new MusicVAE(config, vars, { name, keepVariables: true });
}

/** The model a saved state describes (new instances: the caller disposes them). */
export function fineTunedModel(state: Pick<FineTuneState, 'config' | 'weights' | 'latent' | 'recipe'>, name = 'fine-tuned'): FineTunedModel {
  const vae = musicVaeFromValues(state.config as MusicVaeConfig, state.weights, name);
  if (!state.latent) return { vae };
  const zDims = vae.zDims;
  return {
    vae,
    latent: new LatentVae({ inputDims: zDims, ...state.recipe.latent, learningRate: state.recipe.learningRate, seed: state.recipe.seed }, state.latent),
  };
}

/** How many windows the base model writes for rehearsal. */
export const REHEARSAL_WINDOWS = 512;

/**
 * The base model's own windows for rehearsal: greedy decodes of seeded standard-normal codes (the same
 * for the same seed; fewer than {@link REHEARSAL_WINDOWS} are the first of those).
 */
export async function rehearsalWindows(base: MusicVAE, seed: number, count = REHEARSAL_WINDOWS): Promise<Int32Array[]> {
  const out: Int32Array[] = [];
  const rng = createRng(deriveSeed(seed, 'rehearsal-codes'));
  for (let i = 0; i < count; i += 128) {
    const n = Math.min(128, count - i);
    const z = tf.tensor2d(rng.normalArray(n * base.zDims), [n, base.zDims]);
    try {
      out.push(...(await base.decodeLabels(z)));
    } finally {
      z.dispose();
    }
  }
  return out;
}

/** μ of every window, in batches of 128, as plain arrays. */
export async function codesOf(model: MusicVAE, windows: readonly Int32Array[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < windows.length; i += 128) {
    const chunk = windows.slice(i, i + 128);
    const batch = batchTensors(model.converter, chunk);
    try {
      const z = await model.encode(batch.x);
      const flat = await z.data();
      z.dispose();
      for (let k = 0; k < chunk.length; k++) out.push(Float32Array.from(flat.subarray(k * model.zDims, (k + 1) * model.zDims)));
    } finally {
      tf.dispose([batch.x, batch.previous, batch.targets, batch.labels]);
    }
  }
  return out;
}

export interface RunFineTuneOptions {
  /** Stop when the run reaches this step. */
  until: number;
  signal?: AbortSignal;
  /** Resolves when training may go on (the page's pause); checked before every step. */
  gate?: () => Promise<void>;
  /** Stop after this many seconds of training in this call (pauses excluded). */
  maxSeconds?: number;
  /** Called after every step, with the steps per second and the time left at that pace. */
  onStep?: (step: FineTuneStep, progress: { done: number; total: number; stepsPerSecond: number; etaSeconds: number; seconds: number }) => void;
  /** Save the state this often (seconds of wall time), and at the end. */
  checkpointEverySeconds?: number;
  onCheckpoint?: (state: FineTuneState) => Promise<void>;
}

/**
 * Runs `tuner` to `until` (or a stop), reporting progress with an honest ETA (steps per second over
 * the last steps, pauses excluded) and checkpointing as it goes. Returns why it stopped; a NaN
 * loss or a cancel leaves the tuner at its last good step.
 */
export async function runFineTune(
  tuner: FineTuner,
  options: RunFineTuneOptions,
): Promise<{ stoppedBy: 'done' | 'stopped' | 'time' | 'nan'; message?: string }> {
  const start = tuner.step;
  const recent: number[] = [];
  let trained = 0;
  let lastCheckpoint = performance.now();
  let stoppedBy: 'done' | 'stopped' | 'time' | 'nan' = 'done';
  let message: string | undefined;
  while (tuner.step < options.until) {
    await options.gate?.();
    if (options.signal?.aborted) {
      stoppedBy = 'stopped';
      break;
    }
    if (options.maxSeconds !== undefined && trained >= options.maxSeconds) {
      stoppedBy = 'time';
      break;
    }
    const t0 = performance.now();
    let step: FineTuneStep;
    try {
      step = await tuner.trainStep();
    } catch (error) {
      if (!(error instanceof TrainingDivergedError)) throw error;
      stoppedBy = 'nan';
      message = error.message;
      break;
    }
    const took = (performance.now() - t0) / 1000;
    trained += took;
    recent.push(took);
    if (recent.length > 10) recent.shift();
    const perStep = recent.reduce((a, b) => a + b, 0) / recent.length;
    const left = (options.until - tuner.step) * perStep;
    options.onStep?.(step, {
      done: tuner.step - start,
      total: options.until - start,
      stepsPerSecond: 1 / perStep,
      // With a time budget, the run ends at whichever comes first.
      etaSeconds: options.maxSeconds === undefined ? left : Math.min(left, Math.max(0, options.maxSeconds - trained)),
      seconds: trained,
    });
    if (options.onCheckpoint && performance.now() - lastCheckpoint >= (options.checkpointEverySeconds ?? 30) * 1000) {
      await options.onCheckpoint(await tuner.state());
      lastCheckpoint = performance.now();
    }
    // Let messages (pause, stop) and timers in between steps.
    await new Promise<void>((resolve) => setTimeout(resolve, 0));
  }
  if (options.onCheckpoint) await options.onCheckpoint(await tuner.state());
  return message === undefined ? { stoppedBy } : { stoppedBy, message };
}

export { CancelledError };
