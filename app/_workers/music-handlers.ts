/// <reference lib="webworker" />
/**
 * The music labs inside the model worker: one MusicVAE per lab (melody, drums), loaded from the
 * shipped folder, a URL or a picked folder, and the lab's requests (interpolate, variations,
 * sample, 4-corner blend grid) answered as plain quantized sequences.
 */
import * as tf from '@tensorflow/tfjs';
import { filesSource, storedBytes, urlSource, weightsManifestSchema, type WeightSource } from '@/lib/core/checkpoint';
import { CheckpointError, InvalidInputError } from '@/lib/core/errors';
import { MusicVAE } from '@/lib/music/music-vae';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import type { RefineOptions } from '@/lib/core/latent-model';
import type { FidelityInfo, MusicModelInfo, MusicModelSource } from './music-protocol';
import type { WorkerRequest, WorkerResponse } from './protocol';

type MusicRequest = Extract<WorkerRequest, { type: `music:${string}` }>;
type Post = (message: WorkerResponse, transfer?: Transferable[]) => void;
type Lab = 'melody' | 'drums';

/** The models shipped in models/ (served at /models/<path>/). */
export const SHIPPED_MUSIC_MODELS: Record<Lab, string> = { melody: 'mel_2bar', drums: 'drums_2bar' };

interface Entry {
  model: MusicVAE;
  /** Requests still running on this model; a replaced model is disposed when the last one ends. */
  inUse: number;
  replaced: boolean;
}

const models = new Map<Lab, Entry>();

/** Runs `work` on the lab's current model, which stays alive until `work` ends even if a new model replaces it. */
async function withModel<T>(lab: Lab, work: (model: MusicVAE) => Promise<T>): Promise<T> {
  const entry = models.get(lab);
  if (!entry) throw new InvalidInputError(`No ${lab} model is loaded yet: wait for it to load, or pick one under "Model".`);
  entry.inUse++;
  try {
    return await work(entry.model);
  } finally {
    entry.inUse--;
    if (entry.replaced && entry.inUse === 0) entry.model.dispose();
  }
}

function replaceModel(lab: Lab, model: MusicVAE): void {
  const old = models.get(lab);
  models.set(lab, { model, inUse: 0, replaced: false });
  if (!old) return;
  old.replaced = true;
  if (old.inUse === 0) old.model.dispose();
}

/** Wraps a source to count the bytes read and report progress in bytes (the manifest says how many to expect). */
export function counting(source: WeightSource, onProgress: (fraction: number, label: string) => void): { source: WeightSource; bytes: () => number } {
  let bytes = 0;
  let expected = 0;
  const report = (now: number): void => {
    const mb = (now / 1e6).toFixed(1);
    onProgress(
      expected > 0 ? Math.min(1, now / expected) : 0,
      expected > 0 ? `Downloading the model's weights: ${mb} of ${(expected / 1e6).toFixed(1)} MB` : `Downloading the model's weights: ${mb} MB`,
    );
  };
  return {
    bytes: () => bytes,
    source: {
      location: source.location,
      async readJson(name) {
        const json = await source.readJson(name);
        const manifest = name === 'weights_manifest.json' ? weightsManifestSchema.safeParse(json) : undefined;
        if (manifest?.success) expected = manifest.data.reduce((n, group) => n + group.weights.reduce((m, w) => m + storedBytes(w), 0), 0);
        return json;
      },
      async readBinary(name) {
        const before = bytes;
        const data = await source.readBinary(name, (received) => report(before + received));
        bytes += data.byteLength;
        report(bytes);
        return data;
      },
    },
  };
}

export function sourceFor(lab: Lab, source: MusicModelSource): { source: WeightSource; name?: string } {
  if (source.kind === 'shipped')
    return { source: urlSource(new URL(`/models/${SHIPPED_MUSIC_MODELS[lab]}/`, self.location.href).href), name: SHIPPED_MUSIC_MODELS[lab] };
  if (source.kind === 'folder') return { source: filesSource(source.files, `the folder "${source.name}"`), name: source.name };
  let url: URL;
  try {
    url = new URL(source.url);
  } catch (error) {
    throw new CheckpointError(
      `"${source.url}" is not a web address. Paste the URL of a checkpoint folder, e.g. https://storage.googleapis.com/magentadata/js/checkpoints/music_vae/mel_2bar_small`,
      { cause: error },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CheckpointError(`Only http(s) addresses can be loaded; got "${url.protocol}".`);
  return { source: urlSource(url.href) };
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
    if (report.transposedNotes > 0) out.push(`${who}: ${report.transposedNotes} note(s) moved by octaves into the model's pitch range.`);
    if (report.droppedNotes > 0) out.push(`${who}: ${report.droppedNotes} note(s) dropped (one voice only, or unknown drum sounds).`);
  });
  return out;
}

function decodeOptions(r: { temperature: number; seed: number; qpm: number }): { temperature?: number; seed: number; qpm: number } {
  return r.temperature > 0 ? { temperature: r.temperature, seed: r.seed, qpm: r.qpm } : { seed: r.seed, qpm: r.qpm };
}

/** True for the music labs' requests. */
export function isMusicRequest(request: WorkerRequest): request is MusicRequest {
  return request.type.startsWith('music:');
}

/**
 * Codes for the user's inputs — refined when the request asks (with progress messages and the
 * request's cancel signal) — and how faithfully each comes back.
 */
async function encodeInputs(
  model: MusicVAE,
  seqs: readonly QuantizedNoteSequence[],
  labels: readonly string[],
  refine: { steps: number; learningRate?: number; priorWeight?: number } | undefined,
  signal: AbortSignal | undefined,
  progress: (fraction: number, label: string) => void,
): Promise<{ z: Float32Array[]; fidelity: FidelityInfo[]; refineMs: number }> {
  const t0 = performance.now();
  const what = labels.length === 2 ? `${labels[0]} and ${labels[1]}` : labels.length === 1 ? (labels[0] ?? 'the input') : `the ${labels.length} inputs`;
  const options: RefineOptions | undefined = refine && {
    ...refine,
    signal,
    onProgress: (done, total) => progress(done / total, `Refining the codes of ${what}: step ${done} of ${total}`),
  };
  const encoded = await model.encodeWithFidelity(seqs, options ? { refine: options } : {});
  const fidelity = encoded.fidelity.map((f, i) => ({
    label: labels[i] ?? `Input ${i + 1}`,
    matchingSteps: f.matchingSteps,
    totalSteps: f.totalSteps,
    eventSteps: f.eventSteps,
    matchingEventSteps: f.matchingEventSteps,
    refined: f.refinement !== undefined,
    ...(f.refinement ? { distanceSigma: f.refinement.distanceSigma } : {}),
  }));
  return { z: encoded.z, fidelity, refineMs: refine ? performance.now() - t0 : 0 };
}

export async function handleMusicRequest(request: MusicRequest, post: Post, signal?: AbortSignal): Promise<void> {
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
  const progress = (fraction: number, label: string): void => post({ id: request.id, type: 'music:progress', fraction, label });
  switch (request.type) {
    case 'music:load': {
      const info = await load(request.lab, request.source, (fraction, label) => post({ id: request.id, type: 'music:progress', fraction, label }));
      post({ id: request.id, type: 'music:loaded', info });
      return;
    }
    case 'music:interpolate':
      return withModel('melody', async (model) => {
        const labels = ['Melody A', 'Melody B'];
        const encoded = await encodeInputs(model, [request.a, request.b], labels, request.refine, signal, progress);
        const [za, zb] = encoded.z as [Float32Array, Float32Array];
        const result = await model.interpolateCodeSequences(za, zb, request.steps, request.mode, decodeOptions(request));
        done(result, inputNotes(model, [request.a, request.b], labels), encoded);
      });
    case 'music:similar':
      return withModel('melody', async (model) => {
        const encoded = await encodeInputs(model, [request.source], ['Melody A'], request.refine, signal, progress);
        done(
          await model.similarCodeSequences(encoded.z[0] as Float32Array, request.n, request.similarity, decodeOptions(request)),
          inputNotes(model, [request.source], ['Melody A']),
          encoded,
        );
      });
    case 'music:sample':
      return withModel(request.lab, async (model) => done(await model.sampleSequences(request.n, decodeOptions(request))));
    case 'music:grid':
      return withModel('drums', async (model) => {
        const labels = ['Corner 1', 'Corner 2', 'Corner 3', 'Corner 4'];
        const encoded = await encodeInputs(model, request.corners, labels, request.refine, signal, progress);
        done(await model.gridCodeSequences(encoded.z, request.size, request.size, decodeOptions(request)), inputNotes(model, request.corners, labels), encoded);
      });
  }
}
