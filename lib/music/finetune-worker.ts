/**
 * The fine-tuning worker part (`finetune:*`, see ./finetune-protocol): in the model worker, it reads
 * the user's files, fine-tunes a MusicVAE on them with live progress, pause and stop, saves the run
 * to IndexedDB as it goes (a closed tab loses at most the last half minute and can resume), shows
 * before and after side by side, and keeps, lists, deletes and exports the results. It holds its
 * own models, apart from the labs' (lib/music/worker), so training never disturbs what a lab plays.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { z } from 'zod';
import { describeError, InvalidInputError } from '../core/errors';
import { defineWorkerPart, typedPost } from '../domains/router';
import { DrumsConverter } from './converters/drums';
import { MelodyConverter } from './converters/melody';
import { FineTuner, runFineTune, type FineTunedModel } from './finetune';
import type { FineTuneCard } from './finetune-card';
import { readFineTuneFile, splitFineTuneData, type FineTuneData } from './finetune-data';
import { sampleLabels, scoreReconstruction, styleDistance, styleProfile, type ReconstructionScore } from './finetune-eval';
import { finetuneProtocol } from './finetune-protocol';
import { fineTuneRecipe, type FineTuneMode } from './finetune-recipe';
import {
  deleteCheckpoint,
  deleteFineTuned,
  listFineTuned,
  loadCheckpoint,
  loadFineTuned,
  magentaFolder,
  saveCheckpoint,
  saveFineTuned,
  type FineTuneCheckpoint,
} from './finetune-store';
import { MusicVAE } from './music-vae';
import type { MusicModelSource } from './protocol';
import { SHIPPED_MUSIC_MODELS, type MusicKind } from './shipped';
import { browserParallelism } from './train-peer-browser';
import { counting, sourceFor } from './worker-load';

type Request = z.output<(typeof finetuneProtocol.requests)[number]>;
type Response = z.output<(typeof finetuneProtocol.responses)[number]> | { id: number; type: 'ok' };
type Post = (message: Response, transfer?: Transferable[]) => void;

/** How often a running fine-tuning saves itself to IndexedDB (seconds). */
export const CHECKPOINT_EVERY_SECONDS = 30;
/** Held-back windows scored before and after (spread over them; scoring costs a decode each). */
const SCORE_WINDOWS = 256;

interface Session {
  tuner: FineTuner;
  base: MusicVAE;
  baseName: string;
  mode: FineTuneMode;
  data: Pick<FineTuneData, 'train' | 'heldBack'>;
  summary: FineTuneCard['data'];
  before?: ReconstructionScore;
  after?: ReconstructionScore;
  /** The fine-tuned model as of the last `after` score (rebuilt when training moves on). */
  model?: { step: number; model: FineTunedModel };
}

const prepared = new Map<MusicKind, { data: FineTuneData; summary: FineTuneCard['data'] }>();
const sessions = new Map<MusicKind, Session>();
let paused = false;
let waiters: (() => void)[] = [];

function release(): void {
  const w = waiters;
  waiters = [];
  w.forEach((f) => f());
}

function disposeSession(lab: MusicKind): void {
  const s = sessions.get(lab);
  if (!s) return;
  s.tuner.dispose();
  s.base.dispose();
  s.model?.model.vae.dispose();
  s.model?.model.latent?.dispose();
  sessions.delete(lab);
}

function baseLabel(lab: MusicKind, source: MusicModelSource): string {
  return source.kind === 'shipped' ? SHIPPED_MUSIC_MODELS[lab] : source.kind === 'url' ? source.url : source.name;
}

const evenly = <T>(items: readonly T[], n: number): T[] =>
  n >= items.length ? [...items] : Array.from({ length: n }, (_, k) => items[Math.floor((k * items.length) / n)] as T);

async function currentModel(s: Session): Promise<FineTunedModel> {
  if (s.model?.step === s.tuner.step) return s.model.model;
  s.model?.model.vae.dispose();
  s.model?.model.latent?.dispose();
  const model = await s.tuner.model();
  s.model = { step: s.tuner.step, model };
  return model;
}

function threads(): number {
  try {
    return tf.getBackend() === 'wasm' ? getThreadsCount() : 1;
  } catch {
    return 1;
  }
}

async function train(request: Extract<Request, { type: 'finetune:train' }>, post: Post, signal: AbortSignal): Promise<void> {
  const { id, lab } = request;
  const status = (phase: 'loading' | 'scoring' | 'training', label: string, extra: { step?: number; done?: number; total?: number } = {}): void =>
    post({
      id,
      type: 'finetune:progress',
      phase,
      label,
      step: extra.step ?? 0,
      done: extra.done ?? 0,
      total: extra.total ?? request.steps,
      loss: NaN,
      accuracy: NaN,
      stepsPerSecond: 0,
      etaSeconds: NaN,
      seconds: 0,
    });
  let checkpoint: FineTuneCheckpoint | undefined;
  if (request.resume) {
    checkpoint = await loadCheckpoint(lab);
    if (!checkpoint) throw new InvalidInputError(`There is no saved ${lab} fine-tuning to resume in this browser.`);
  }
  const ready = prepared.get(lab);
  if (!checkpoint && !ready) throw new InvalidInputError('Drop your MIDI files first: fine-tuning needs the windows found in them.');
  const mode = checkpoint?.mode ?? request.mode;
  const baseSource: MusicModelSource = checkpoint ? checkpoint.baseSource : request.base;
  disposeSession(lab);
  status('loading', 'Loading the model to fine-tune…');
  const resolved = sourceFor(lab, baseSource);
  const counted = counting(resolved.source, (fraction, label) => status('loading', label, { done: Math.round(fraction * 100), total: 100 }));
  const base = await MusicVAE.load(counted.source, { expectKind: lab, keepVariables: true, ...(resolved.name ? { name: resolved.name } : {}) });
  let tuner: FineTuner | undefined;
  let participants = 1;
  let sharingNote: string | undefined;
  try {
    const expected = (lab === 'melody' ? new MelodyConverter() : new DrumsConverter()).toSpec();
    if (JSON.stringify(base.converter.toSpec()) !== JSON.stringify(expected))
      throw new InvalidInputError(
        `${resolved.name ?? 'This model'} reads ${JSON.stringify(base.converter.toSpec())}; fine-tuning here reads your files as the shipped models do (${JSON.stringify(expected)}). Fine-tune the shipped model or one fine-tuned from it.`,
      );
    const data = checkpoint ? { train: checkpoint.train, heldBack: checkpoint.heldBack } : (ready as { data: FineTuneData }).data;
    const summary = checkpoint?.summary ?? (ready as { summary: FineTuneCard['data'] }).summary;
    const recipe = checkpoint?.state.recipe ?? fineTuneRecipe(mode, lab);
    const scored = evenly(data.heldBack, SCORE_WINDOWS);
    let before = checkpoint?.before;
    if (!before) {
      status('scoring', `Scoring the model on ${scored.length} held-back windows before fine-tuning…`);
      before = (await scoreReconstruction({ vae: base }, scored)).amortized;
    }
    tuner = await FineTuner.create(base, data.train, recipe, checkpoint?.state);
    const cores = browserParallelism();
    if (cores.spawn) {
      status('loading', `Starting ${cores.participants - 1} more worker${cores.participants > 2 ? 's' : ''} to train on ${cores.participants} cores…`);
      try {
        participants = await tuner.shareSteps(cores.participants, cores.spawn);
      } catch (error) {
        // One core still trains: the run goes on alone and says so.
        participants = 1;
        sharingNote = `Trained on one core: the extra workers did not start (${describeError(error)}).`;
      }
    }
    const session: Session = {
      tuner,
      base,
      baseName: checkpoint?.base ?? baseLabel(lab, baseSource),
      mode,
      data,
      summary,
      before: { windows: scored.length, ...before },
    };
    sessions.set(lab, session);
    const until = checkpoint ? Math.max(checkpoint.until, tuner.step) : request.steps;
    let checkpointedAt: number | undefined;
    const sharing = tuner;
    const result = await runFineTune(sharing, {
      until,
      signal,
      ...(request.maxSeconds === undefined ? {} : { maxSeconds: request.maxSeconds }),
      gate: () =>
        paused && !signal.aborted
          ? new Promise<void>((resolve) => {
              waiters.push(resolve);
              signal.addEventListener('abort', () => resolve(), { once: true });
            })
          : Promise.resolve(),
      checkpointEverySeconds: CHECKPOINT_EVERY_SECONDS,
      onCheckpoint: async (state) => {
        await saveCheckpoint({
          lab,
          savedAt: Date.now(),
          until,
          base: session.baseName,
          baseSource,
          mode,
          train: data.train,
          heldBack: data.heldBack,
          summary,
          before,
          state,
        });
        checkpointedAt = Date.now();
      },
      onStep: (s, p) =>
        post({
          id,
          type: 'finetune:progress',
          phase: 'training',
          label: `Step ${s.step} of ${until}: ${p.stepsPerSecond.toFixed(2)} steps/s`,
          step: s.step,
          done: p.done,
          total: p.total,
          loss: s.loss,
          accuracy: s.accuracy,
          stepsPerSecond: p.stepsPerSecond,
          etaSeconds: p.etaSeconds,
          seconds: p.seconds,
          ...(checkpointedAt === undefined ? {} : { checkpointedAt }),
        }),
    }).finally(() => sharing.stopSharing()); // the peers hold copies of the model: closed as soon as the steps end, however they end
    status('scoring', `Scoring the fine-tuned model on ${scored.length} held-back windows…`, { step: tuner.step });
    session.after = { ...(await scoreReconstruction(await currentModel(session), scored)).amortized };
    post({
      id,
      type: 'finetune:trained',
      stoppedBy: result.stoppedBy,
      ...(result.message === undefined ? {} : { message: result.message }),
      step: tuner.step,
      seconds: tuner.seconds,
      before: session.before ?? before,
      after: session.after,
      backend: tf.getBackend(),
      threads: threads(),
      workers: participants,
      ...(sharingNote === undefined ? {} : { note: sharingNote }),
    });
  } catch (error) {
    if (!sessions.has(lab)) {
      tuner?.dispose();
      base.dispose();
    }
    throw error;
  }
}

function session(lab: MusicKind): Session {
  const s = sessions.get(lab);
  if (!s) throw new InvalidInputError(`Fine-tune the ${lab} model first (or resume the saved run).`);
  return s;
}

async function handle(request: Request, post: Post, signal: AbortSignal): Promise<void> {
  const id = request.id;
  switch (request.type) {
    case 'finetune:prepare': {
      // The shipped models' converters (Magenta's defaults); a model that reads windows otherwise is refused at training.
      const converter = request.lab === 'melody' ? new MelodyConverter() : new DrumsConverter();

      const files = request.files.map((f) => readFineTuneFile(f.name, f.bytes, converter));
      const data = splitFineTuneData(files, request.lab);
      const summary = {
        files: files.length,
        refused: files.filter((f) => f.refused).length,
        trainWindows: data.train.length,
        heldBackWindows: data.heldBack.length,
        heldBackNote: data.heldBackNote,
      };
      prepared.set(request.lab, { data, summary });
      post({
        id,
        type: 'finetune:prepared',
        files: files.map((f) => ({ name: f.name, windows: f.windows.length, sparse: f.sparse, ...(f.refused ? { refused: f.refused } : {}) })),
        trainWindows: data.train.length,
        heldBackWindows: data.heldBack.length,
        heldBackNote: data.heldBackNote,
      });
      return;
    }
    case 'finetune:train':
      return train(request, post, signal);
    case 'finetune:pause':
      paused = request.paused;
      if (!paused) release();
      post({ id, type: 'ok' });
      return;
    case 'finetune:compare': {
      const s = session(request.lab);
      const after = await currentModel(s);
      const picked = evenly(s.data.heldBack, request.count);
      const [b, a] = [await scoreReconstruction({ vae: s.base }, picked), await scoreReconstruction(after, picked)];
      const conv = s.base.converter;
      const seqs = (labels: readonly Int32Array[]) => labels.map((l) => conv.labelsToSequence(l));
      const styleOf = styleProfile(s.data.heldBack, conv.kind);
      const [sb, sa] = [
        await sampleLabels({ vae: s.base }, 64, request.temperature, request.seed),
        await sampleLabels(after, 64, request.temperature, request.seed),
      ];
      const scores =
        s.before && s.after
          ? { before: s.before, after: s.after, windows: s.before.windows }
          : { before: b.amortized, after: a.amortized, windows: picked.length };
      post({
        id,
        type: 'finetune:compared',
        inputs: seqs(picked),
        before: seqs(b.decoded),
        after: seqs(a.decoded),
        scores: { before: pickScore(scores.before), after: pickScore(scores.after), windows: scores.windows },
        samples: { before: seqs(sb.slice(0, request.count)), after: seqs(sa.slice(0, request.count)) },
        style: { before: styleDistance(styleProfile(sb, conv.kind), styleOf), after: styleDistance(styleProfile(sa, conv.kind), styleOf) },
      });
      return;
    }
    case 'finetune:save': {
      const s = session(request.lab);
      const state = await s.tuner.state();
      const card: FineTuneCard = {
        name: request.name,
        kind: request.lab,
        mode: s.mode,
        base: s.baseName,
        steps: state.step,
        seconds: state.seconds,
        savedAt: Date.now(),
        data: s.summary,
        ...(s.before ? { before: pickScore(s.before) } : {}),
        ...(s.after ? { after: pickScore(s.after) } : {}),
      };
      await saveFineTuned(card, { config: state.config, recipe: state.recipe, weights: state.weights, ...(state.latent ? { latent: state.latent } : {}) });
      await deleteCheckpoint(request.lab);
      post({ id, type: 'finetune:saved', models: await listFineTuned() });
      return;
    }
    case 'finetune:list':
      post({ id, type: 'finetune:saved', models: await listFineTuned(request.lab) });
      return;
    case 'finetune:delete':
      await deleteFineTuned(request.name);
      post({ id, type: 'finetune:saved', models: await listFineTuned() });
      return;
    case 'finetune:export': {
      const { card, weights } = await loadFineTuned(request.name);
      const files = [...magentaFolder(card, weights)].map(([name, data]) => ({ name, data }));
      post(
        { id, type: 'finetune:exported', name: card.name, files },
        files.flatMap((f) => (typeof f.data === 'string' ? [] : [f.data.buffer as ArrayBuffer])),
      );
      return;
    }
    case 'finetune:checkpoint': {
      const c = await loadCheckpoint(request.lab);
      post({
        id,
        type: 'finetune:checkpoint-info',
        ...(c
          ? {
              checkpoint: {
                mode: c.mode,
                base: c.base,
                step: c.state.step,
                until: c.until,
                seconds: c.state.seconds,
                savedAt: c.savedAt,
                trainWindows: c.train.length,
                heldBackWindows: c.heldBack.length,
              },
            }
          : {}),
      });
      return;
    }
    case 'finetune:discard':
      await deleteCheckpoint(request.lab);
      post({ id, type: 'ok' });
      return;
  }
}

const pickScore = (s: ReconstructionScore): { greedyAccuracy: number; greedyEventAccuracy: number } => ({
  greedyAccuracy: s.greedyAccuracy,
  greedyEventAccuracy: s.greedyEventAccuracy,
});

/** Fine-tuning in the model worker: one line in lib/domains/workers.ts. */
export const finetuneWorkerPart = defineWorkerPart({
  protocol: finetuneProtocol,
  handle: (request, context) => handle(request, typedPost<Response>(context.post), context.signal),
  dispose: () => {
    for (const lab of [...sessions.keys()]) disposeSession(lab);
    prepared.clear();
  },
});
