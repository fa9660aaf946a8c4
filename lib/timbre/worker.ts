/**
 * The timbre domain's worker part: the timbre model (shipped, or a URL), one note in → its code and
 * its rebuild, codes → notes at any pitch (the morph strip, the pad, random sounds, the melody lab's
 * "play with a timbre"), and the shipped set placed on a map. Also the Compare lab's timbre side.
 * Runs in the model worker.
 */
import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { urlSource, type WeightSource } from '../core/checkpoint';
import { InvalidInputError } from '../core/errors';
import { defineWorkerPart, typedPost } from '../domains/router';
import type { CompareSideLoader, LoadedSide } from '../domains/types';
import type { CompareDomain } from '../latent/compare/domain';
import { explainedShare, principalComponents, projectOnComponents } from '../latent/projection/pca';
import { shippedSetCompareDomain } from './compare-domain';
import { parseSoundRef } from './lab-url';
import { decodeTimbreSet, TIMBRE_SET_FILES, timbreSetSchema, type TimbreSet } from './examples';
import { timbreCompareModelSchema } from './compare-model';
import { timbreProtocol, type TimbreModelInfo, type TimbreModelSource } from './protocol';
import { prepareNote } from './sound';
import { multiScaleDistance } from './spectral-loss';
import { midiToHz, SAMPLE_RATE } from './spec';
import { TimbreModel } from './timbre-model';

type TimbreRequest = z.output<(typeof timbreProtocol.requests)[number]>;
type TimbreResponse = z.output<(typeof timbreProtocol.responses)[number]>;
type Post = (message: TimbreResponse, transfer?: Transferable[]) => void;

/** Where the shipped model and its set are served (the app's /models route). */
export const SHIPPED_TIMBRE_MODEL = 'timbre';

function shippedUrl(path: string): string {
  return new URL(`/models/${SHIPPED_TIMBRE_MODEL}/${path}`, self.location.href).href;
}

/** A weight source that counts the bytes it reads (for the model's size in the lab). */
function counted(source: WeightSource): { source: WeightSource; bytes: () => number } {
  let bytes = 0;
  return {
    source: {
      ...source,
      readJson: (name) => source.readJson(name),
      readBinary: async (name) => {
        const b = await source.readBinary(name);
        bytes += b.byteLength;
        return b;
      },
    },
    bytes: () => bytes,
  };
}

async function loadModel(source: TimbreModelSource): Promise<{ model: TimbreModel; info: TimbreModelInfo }> {
  const where = source.kind === 'shipped' ? shippedUrl('') : new URL(source.url, self.location.href).href;
  const c = counted(urlSource(where));
  const model = await TimbreModel.load(c.source, source.kind === 'shipped' ? { name: SHIPPED_TIMBRE_MODEL } : {});
  return {
    model,
    info: {
      name: model.name,
      zDims: model.zDims,
      parameters: model.parameterCount,
      bytes: c.bytes(),
      sampleRate: SAMPLE_RATE,
      noteSamples: model.config.noteSamples,
      source: source.kind === 'shipped' ? 'shipped with Latent Lab' : `from ${source.url}`,
    },
  };
}

let lab: { model: TimbreModel; inUse: number; replaced: boolean } | undefined;

let loadingShipped: Promise<void> | undefined;

/** Runs `work` on the lab's model; the shipped one is loaded first when none is (another lab's player may ask first). */
async function withModel<T>(work: (model: TimbreModel) => Promise<T>): Promise<T> {
  if (!lab) {
    loadingShipped ??= loadModel({ kind: 'shipped' }).then(({ model }) => {
      if (lab) model.dispose();
      else lab = { model, inUse: 0, replaced: false };
    });
    try {
      await loadingShipped;
    } finally {
      loadingShipped = undefined;
    }
  }
  const entry = lab;
  if (!entry) throw new InvalidInputError('No timbre model could be loaded.');
  entry.inUse++;
  try {
    return await work(entry.model);
  } finally {
    entry.inUse--;
    if (entry.replaced && entry.inUse === 0) entry.model.dispose();
  }
}

/** The bilinear blend of four codes (top-left, top-right, bottom-left, bottom-right) at (x, y) in 0..1. */
export function blendCodes(corners: readonly (readonly number[])[], x: number, y: number): Float32Array {
  const w = [(1 - x) * (1 - y), x * (1 - y), (1 - x) * y, x * y];
  const dims = corners[0]?.length ?? 0;
  if (corners.length !== 4 || corners.some((c) => c.length !== dims)) throw new InvalidInputError('The pad needs four codes of the same length.');
  const out = new Float32Array(dims);
  corners.forEach((c, k) => c.forEach((v, d) => (out[d] = (out[d] ?? 0) + (w[k] ?? 0) * v)));
  return out;
}

let setCache: Promise<{ set: TimbreSet; notes: Float32Array[] }> | undefined;
/** The shipped set (every program's C4), fetched once. */
export function shippedSet(): Promise<{ set: TimbreSet; notes: Float32Array[] }> {
  setCache ??= (async () => {
    const [index, audio] = await Promise.all([
      fetch(shippedUrl(`set/${TIMBRE_SET_FILES.index}`)).then((r) => {
        if (!r.ok) throw new InvalidInputError(`The timbre set's index could not be loaded (HTTP ${r.status}).`);
        return r.json() as Promise<unknown>;
      }),
      fetch(shippedUrl(`set/${TIMBRE_SET_FILES.audio}`)).then((r) => {
        if (!r.ok) throw new InvalidInputError(`The timbre set's notes could not be loaded (HTTP ${r.status}).`);
        return r.arrayBuffer();
      }),
    ]);
    const set = timbreSetSchema.parse(index);
    return { set, notes: decodeTimbreSet(set, audio) };
  })();
  setCache.catch(() => {
    setCache = undefined;
  });
  return setCache;
}

let mapCache: { model: TimbreModel; answer: Omit<Extract<TimbreResponse, { type: 'timbre:map:done' }>, 'id'> } | undefined;

async function handleTimbreRequest(request: TimbreRequest, post: Post, signal: AbortSignal): Promise<void> {
  const t0 = performance.now();
  switch (request.type) {
    case 'timbre:load': {
      post({ id: request.id, type: 'timbre:progress', label: 'Loading the timbre model…' });
      const { model, info } = await loadModel(request.source);
      const old = lab;
      lab = { model, inUse: 0, replaced: false };
      if (old) {
        old.replaced = true;
        if (old.inUse === 0) old.model.dispose();
      }
      post({ id: request.id, type: 'timbre:loaded', info });
      return;
    }
    case 'timbre:note':
      return withModel(async (model) => {
        const prepared = prepareNote({ samples: request.samples, sampleRate: request.sampleRate }, request.name);
        const note = { samples: prepared.samples, conditions: prepared.conditions };
        const plain = await model.encodeNotes([note]);
        const z0 = plain.z[0] ?? new Float32Array(model.zDims);
        let z = z0;
        let steps: number | undefined;
        if (request.refine > 0) {
          post({ id: request.id, type: 'timbre:progress', label: 'Refining the code…', fraction: 0 });
          const refined = await model.encodeNotes([note], {
            refine: {
              steps: request.refine,
              signal,
              onProgress: (done, total) => post({ id: request.id, type: 'timbre:progress', label: 'Refining the code…', fraction: done / total }),
            },
          });
          z = refined.z[0] ?? z0;
          steps = refined.refinements?.[0]?.steps;
        }
        const [rebuilt, before] = await model.decodeNotes(
          request.refine > 0 ? [z, z0] : [z],
          request.refine > 0 ? [note.conditions, note.conditions] : [note.conditions],
        );
        const out = rebuilt ?? new Float32Array(0);
        const input = prepared.samples;
        post(
          {
            id: request.id,
            type: 'timbre:note:done',
            z: Array.from(z),
            pitch: prepared.pitch,
            f0Hz: prepared.conditions.f0Hz,
            loudnessDb: prepared.conditions.loudnessDb,
            otherPitches: prepared.otherPitches,
            notes: prepared.notes,
            input,
            rebuilt: out,
            distance: multiScaleDistance(input, out),
            ...(before ? { distanceBefore: multiScaleDistance(input, before) } : {}),
            ...(steps === undefined ? {} : { refineSteps: steps }),
            ms: performance.now() - t0,
          },
          [input.buffer, out.buffer],
        );
      });
    case 'timbre:decode':
      return withModel(async (model) => {
        const n = request.codes.length;
        const pitches = typeof request.pitch === 'number' ? new Array<number>(n).fill(request.pitch) : request.pitch;
        if (pitches.length !== n) throw new InvalidInputError(`Give one pitch per code (${n}); got ${pitches.length}.`);
        const loud = request.loudnessDb ?? model.config.defaultLoudnessDb;
        const clips = await model.decodeNotes(
          request.codes,
          pitches.map((p) => ({ f0Hz: midiToHz(p), loudnessDb: loud })),
        );
        post(
          { id: request.id, type: 'timbre:audio', clips, sampleRate: SAMPLE_RATE, ms: performance.now() - t0 },
          clips.map((c) => c.buffer),
        );
      });
    case 'timbre:morph':
    case 'timbre:blend':
    case 'timbre:random':
      return withModel(async (model) => {
        let codes: Float32Array[];
        if (request.type === 'timbre:morph') codes = await model.interpolateCodes(request.a, request.b, request.steps, request.mode);
        else if (request.type === 'timbre:random') codes = (await model.randomCodes(request.n, request.seed)).map((c) => c.map((v) => v * request.temperature));
        else codes = [blendCodes(request.corners, request.x, request.y)];
        const conditions = codes.map(() => ({ f0Hz: midiToHz(request.pitch), loudnessDb: model.config.defaultLoudnessDb }));
        const clips = await model.decodeNotes(codes, conditions);
        post(
          { id: request.id, type: 'timbre:audio', clips, codes: codes.map((c) => Array.from(c)), sampleRate: SAMPLE_RATE, ms: performance.now() - t0 },
          clips.map((c) => c.buffer),
        );
      });
    case 'timbre:codes':
      return withModel(async (model) => {
        const codes: number[][] = [];
        const titles: string[] = [];
        for (const text of request.refs) {
          const ref = parseSoundRef(text);
          if (!ref) throw new InvalidInputError(`"${text}" is not a sound: use p<program> or a code.`);
          if (ref.kind === 'code') {
            if (ref.z.length !== model.zDims) throw new InvalidInputError(`A code of this timbre model has ${model.zDims} numbers; got ${ref.z.length}.`);
            codes.push(ref.z);
            titles.push('a sound from the timbre lab');
            continue;
          }
          const { set, notes } = await shippedSet();
          const i = set.notes.findIndex((n) => n.program === ref.program);
          const note = notes[i];
          const entry = set.notes[i];
          if (!note || !entry) throw new InvalidInputError(`Program ${ref.program} is not in the timbre set.`);
          const z = (await model.encodeNotes([{ samples: note, conditions: { f0Hz: entry.f0Hz, loudnessDb: entry.loudnessDb } }])).z[0];
          codes.push(Array.from(z ?? []));
          titles.push(entry.programName);
        }
        post({ id: request.id, type: 'timbre:codes:done', codes, titles });
      });
    case 'timbre:map':
      return withModel(async (model) => {
        if (mapCache?.model !== model) {
          post({ id: request.id, type: 'timbre:progress', label: 'Loading the set of sounds…' });
          const { set, notes } = await shippedSet();
          post({ id: request.id, type: 'timbre:progress', label: `Encoding ${notes.length} sounds…`, fraction: 0 });
          const codes: Float32Array[] = [];
          for (let i = 0; i < notes.length; i += 16) {
            if (signal.aborted) throw new InvalidInputError('Cancelled.');
            const batch = notes.slice(i, i + 16).map((samples, k) => {
              const s = set.notes[i + k];
              return { samples, ...(s ? { conditions: { f0Hz: s.f0Hz, loudnessDb: s.loudnessDb } } : {}) };
            });
            codes.push(...(await model.encodeNotes(batch)).z);
            post({ id: request.id, type: 'timbre:progress', label: `Encoding ${notes.length} sounds…`, fraction: codes.length / notes.length });
          }
          const flat = new Float32Array(codes.length * model.zDims);
          codes.forEach((c, i) => flat.set(c, i * model.zDims));
          const pcs = await principalComponents(flat, codes.length, model.zDims, 2);
          const xy = projectOnComponents(flat, codes.length, pcs, 2);
          mapCache = {
            model,
            answer: {
              type: 'timbre:map:done',
              points: codes.map((_, i) => [xy[i * 2] ?? 0, xy[i * 2 + 1] ?? 0] as [number, number]),
              codes: codes.map((c) => Array.from(c)),
              programs: set.notes.map((s) => s.program),
              programNames: set.notes.map((s) => s.programName),
              families: set.notes.map((s) => s.family),
              explained: explainedShare(pcs, 2),
            },
          };
        }
        post({ id: request.id, ...mapCache.answer });
      });
  }
}

/** The Compare lab's timbre side: a timbre model and the shipped set of notes (all at C4). */
const timbreCompareSide: CompareSideLoader = {
  async load(params, progress): Promise<LoadedSide<unknown>> {
    const value = timbreCompareModelSchema.parse(params.model);
    const source: TimbreModelSource = value.startsWith('url:') ? { kind: 'url', url: value.slice('url:'.length) } : { kind: 'shipped' };
    progress({ phase: 'load', label: 'Loading the timbre model…', done: 0, total: 2 });
    const { model, info } = await loadModel(source);
    try {
      progress({ phase: 'load', label: 'Loading the set of sounds…', done: 1, total: 2 });
      const { set, notes } = await shippedSet();
      const take = Math.min(notes.length, params.count);
      const domain = shippedSetCompareDomain(model, set, notes, take);
      return {
        model,
        // The registry holds every domain's sides: this one's tensor and item types are forgotten here.
        domain: domain as CompareDomain<tf.Tensor, unknown>,
        display: (items) => ({ kind: 'audio', sampleRate: SAMPLE_RATE, clips: items as Float32Array[] }),
        source: `${info.source} · ${(info.bytes / 1e6).toFixed(1)} MB`,
        notes: take < notes.length ? [`the first ${take} of ${notes.length} notes`] : [],
        description: {
          name: model.name,
          description: `timbre VAE (DDSP-style decoder, ${model.zDims}-D code, ${model.parameterCount.toLocaleString('en')} numbers)`,
        },
      };
    } catch (error) {
      model.dispose();
      throw error;
    }
  },
};

export const timbreWorkerPart = defineWorkerPart({
  protocol: timbreProtocol,
  handle: (request, context) => handleTimbreRequest(request, typedPost<TimbreResponse>(context.post), context.signal),
  compare: { timbre: timbreCompareSide },
  dispose: () => {
    lab?.model.dispose();
    lab = undefined;
    mapCache = undefined;
  },
});
