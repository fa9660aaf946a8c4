/**
 * The music domains' worker part (melody and drums share it): one MusicVAE per lab, loaded from the
 * shipped folder, a URL or a picked folder, and the labs' requests (interpolate, variations,
 * sample, 4-corner blend grid) answered as plain quantized sequences. Runs in the model worker.
 */
import * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import type { RefineOptions } from '../core/latent-model';
import { defineWorkerPart, typedPost } from '../domains/router';
import { drumsCompareSide, melodyCompareSide } from './compare-side';
import { MusicVAE } from './music-vae';
import { counting, sourceFor } from './worker-load';
import { CodeCache, type CachedCode } from './code-cache';
import type { QuantizedNoteSequence } from './note-sequence';
import { musicProtocol, type FidelityInfo, type MusicModelInfo, type MusicModelSource } from './protocol';
import type { MusicKind as Lab } from './shipped';
import { count } from '../core/text';

type MusicRequest = z.output<(typeof musicProtocol.requests)[number]>;
type MusicResponse = z.output<(typeof musicProtocol.responses)[number]>;
type Post = (message: MusicResponse, transfer?: Transferable[]) => void;

interface Entry {
  model: MusicVAE;
  /** Codes of the user's inputs for this model (refined ahead of the clicks that use them). */
  codes: CodeCache;
  /** Requests still running on this model; a replaced model is disposed when the last one ends. */
  inUse: number;
  replaced: boolean;
}

const models = new Map<Lab, Entry>();

/** Progress messages of one request at most this often (the last one always goes). */
const PROGRESS_EVERY_MS = 100;
/** Runs `work` on the lab's current model, which stays alive until `work` ends even if a new model replaces it. */
async function withModel<T>(lab: Lab, work: (model: MusicVAE, codes: CodeCache) => Promise<T>): Promise<T> {
  const entry = models.get(lab);
  if (!entry) throw new InvalidInputError(`No ${lab} model is loaded yet: wait for it to load, or pick one under "Model".`);
  entry.inUse++;
  try {
    return await work(entry.model, entry.codes);
  } finally {
    entry.inUse--;
    if (entry.replaced && entry.inUse === 0) entry.model.dispose();
  }
}

function replaceModel(lab: Lab, model: MusicVAE): void {
  const old = models.get(lab);
  models.set(lab, { model, codes: new CodeCache(), inUse: 0, replaced: false });
  if (!old) return;
  old.replaced = true;
  if (old.inUse === 0) old.model.dispose();
}

async function load(lab: Lab, source: MusicModelSource, report: (fraction: number, label: string) => void): Promise<MusicModelInfo> {
  const t0 = performance.now();
  const resolved = sourceFor(lab, source);
  const counted = counting(resolved.source, report);
  const model = await MusicVAE.load(counted.source, { expectKind: lab, ...(resolved.name ? { name: resolved.name } : {}) });
  const info: MusicModelInfo = {
    lab,
    name: model.name,
    source: source.kind,
    location: resolved.source.location,
    converter: model.converter.type,
    zDims: model.zDims,
    encoderUnits: model.sizes.encoderUnits,
    decoderUnits: model.sizes.decoderUnits,
    parameters: model.parameterCount,
    bytes: counted.bytes(),
    loadMs: performance.now() - t0,
  };
  // Only replace the working model once the new one loaded: a failed load keeps the lab usable.
  replaceModel(lab, model);
  return info;
}

/** What the converter had to change in the user's inputs, said in words. */
function inputNotes(model: MusicVAE, seqs: readonly QuantizedNoteSequence[], labels: readonly string[]): string[] {
  const out: string[] = [];
  seqs.forEach((seq, i) => {
    const { report } = model.converter.toInput(seq);
    const who = labels[i] ?? `input ${i + 1}`;
    if (report.transposedNotes > 0) out.push(`${who}: ${count(report.transposedNotes, 'note')} moved by octaves into the model's pitch range.`);
    if (report.droppedNotes > 0) out.push(`${who}: ${count(report.droppedNotes, 'note')} dropped (one voice only, or unknown drum sounds).`);
  });
  return out;
}

function decodeOptions(r: { temperature: number; seed: number; qpm: number }): { temperature?: number; seed: number; qpm: number } {
  return r.temperature > 0 ? { temperature: r.temperature, seed: r.seed, qpm: r.qpm } : { seed: r.seed, qpm: r.qpm };
}

/**
 * Codes for the user's inputs — refined when the request asks (with progress messages and the
 * request's cancel signal) — and how faithfully each comes back. Codes the worker already has for
 * the same input and settings (or is computing for another request) are reused, not refined again.
 */
async function encodeInputs(
  model: MusicVAE,
  codes: CodeCache,
  seqs: readonly QuantizedNoteSequence[],
  labels: readonly string[],
  refine: { steps: number; learningRate?: number; priorWeight?: number } | undefined,
  signal: AbortSignal | undefined,
  progress: (fraction: number, label: string) => void,
): Promise<{ z: Float32Array[]; fidelity: FidelityInfo[]; refineMs: number }> {
  const t0 = performance.now();
  const keys = seqs.map((seq) => CodeCache.key(model.converter.toLabels(seq), refine));
  const found = await Promise.all(keys.map((k) => codes.get(k)));
  const missing = found.flatMap((f, i) => (f ? [] : [i]));
  if (missing.length > 0) {
    const names = missing.map((i) => labels[i] ?? `input ${i + 1}`);
    const what = names.length === 2 ? `${names[0]} and ${names[1]}` : names.length === 1 ? (names[0] ?? 'the input') : `the ${names.length} inputs`;
    const options: RefineOptions | undefined = refine && {
      ...refine,
      signal,
      onProgress: (done, total) => progress(done / total, `Refining the code of ${what}: step ${done} of at most ${total}`),
    };
    const work = model.encodeWithFidelity(
      missing.map((i) => seqs[i] as QuantizedNoteSequence),
      options ? { refine: options } : {},
    );
    missing.forEach((i, j) =>
      codes.set(
        keys[i] as string,
        work.then((e) => {
          const f = e.fidelity[j];
          const r = f?.refinement;
          return {
            z: e.z[j] ?? new Float32Array(model.zDims),
            matchingSteps: f?.matchingSteps ?? 0,
            totalSteps: f?.totalSteps ?? 0,
            eventSteps: f?.eventSteps ?? 0,
            matchingEventSteps: f?.matchingEventSteps ?? 0,
            ...(r ? { refinement: { distanceSigma: r.distanceSigma, steps: r.steps, stopped: r.stopped } } : {}),
          };
        }),
      ),
    );
    await work;
  }
  const all = await Promise.all(keys.map(async (k, i) => (missing.includes(i) ? await codes.get(k) : found[i])));
  const fidelity = all.map((c, i) => {
    if (!c) throw new InvalidInputError(`The code of ${labels[i] ?? `input ${i + 1}`} could not be computed; try again.`);
    return {
      label: labels[i] ?? `Input ${i + 1}`,
      matchingSteps: c.matchingSteps,
      totalSteps: c.totalSteps,
      eventSteps: c.eventSteps,
      matchingEventSteps: c.matchingEventSteps,
      refined: c.refinement !== undefined,
      cached: !missing.includes(i),
      ...(c.refinement ? { distanceSigma: c.refinement.distanceSigma, steps: c.refinement.steps, stopped: c.refinement.stopped } : {}),
    };
  });
  return { z: all.map((c) => (c as CachedCode).z), fidelity, refineMs: refine && missing.length > 0 ? performance.now() - t0 : 0 };
}

async function handleMusicRequest(request: MusicRequest, post: Post, signal?: AbortSignal): Promise<void> {
  const t0 = performance.now();
  const done = (sequences: QuantizedNoteSequence[], notes: string[] = [], encoded?: { fidelity: FidelityInfo[]; refineMs: number }): void =>
    post({
      id: request.id,
      type: 'music:sequences',
      sequences,
      notes,
      ms: performance.now() - t0,
      backend: tf.getBackend(),
      ...(encoded ? { fidelity: encoded.fidelity, refineMs: encoded.refineMs } : {}),
    });
  // Refining reports every step (~20 ms); the page needs a few updates a second, and each one is a
  // render on its main thread, which shares the laptop's cores with this worker.
  let lastProgress = -Infinity;
  const progress = (fraction: number, label: string): void => {
    const now = performance.now();
    if (fraction < 1 && now - lastProgress < PROGRESS_EVERY_MS) return;
    lastProgress = now;
    post({ id: request.id, type: 'music:progress', fraction, label });
  };
  switch (request.type) {
    case 'music:load': {
      const info = await load(request.lab, request.source, (fraction, label) => post({ id: request.id, type: 'music:progress', fraction, label }));
      post({ id: request.id, type: 'music:loaded', info });
      return;
    }
    case 'music:encode':
      return withModel(request.lab, async (model, codes) => {
        const encoded = await encodeInputs(model, codes, request.seqs, request.labels, request.refine, signal, progress);
        post({
          id: request.id,
          type: 'music:encoded',
          fidelity: encoded.fidelity,
          ms: performance.now() - t0,
          refineMs: encoded.refineMs,
          backend: tf.getBackend(),
        });
      });
    case 'music:interpolate':
      return withModel('melody', async (model, codes) => {
        const labels = ['Melody A', 'Melody B'];
        const encoded = await encodeInputs(model, codes, [request.a, request.b], labels, request.refine, signal, progress);
        const [za, zb] = encoded.z as [Float32Array, Float32Array];
        const result = await model.interpolateCodeSequences(za, zb, request.steps, request.mode, decodeOptions(request));
        done(result, inputNotes(model, [request.a, request.b], labels), encoded);
      });
    case 'music:similar':
      return withModel('melody', async (model, codes) => {
        const encoded = await encodeInputs(model, codes, [request.source], ['Melody A'], request.refine, signal, progress);
        done(
          await model.similarCodeSequences(encoded.z[0] as Float32Array, request.n, request.similarity, decodeOptions(request)),
          inputNotes(model, [request.source], ['Melody A']),
          encoded,
        );
      });
    case 'music:sample':
      return withModel(request.lab, async (model) => done(await model.sampleSequences(request.n, decodeOptions(request))));
    case 'music:grid':
      return withModel('drums', async (model, codes) => {
        const labels = ['Corner 1', 'Corner 2', 'Corner 3', 'Corner 4'];
        const encoded = await encodeInputs(model, codes, request.corners, labels, request.refine, signal, progress);
        done(await model.gridCodeSequences(encoded.z, request.size, request.size, decodeOptions(request)), inputNotes(model, request.corners, labels), encoded);
      });
  }
}

/** The melody and drum domains in the model worker: the labs' requests and their Compare sides. */
export const musicWorkerPart = defineWorkerPart({
  protocol: musicProtocol,
  handle: (request, context) => handleMusicRequest(request, typedPost<MusicResponse>(context.post), context.signal),
  compare: { melody: melodyCompareSide, drums: drumsCompareSide },
});
