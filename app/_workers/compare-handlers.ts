/// <reference lib="webworker" />
/**
 * The Compare lab inside the model worker. Each side (image, music) holds its own model, data
 * adapter and encoded set — separate from the image and music labs' models, so the labs and the
 * comparison never dispose each other's work. Every panel is lib/latent/compare's, run on request
 * with real progress and cancellation; answers carry the load they belong to.
 */
import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@/lib/core/errors';
import type { LatentModel } from '@/lib/core/latent-model';
import { imagesAndLabels, parseIdx } from '@/lib/image/idx';
import { imageCompareDomain } from '@/lib/image/compare-domain';
import type { ImageSet } from '@/lib/image/mnist';
import { IMAGE_MODEL_IDS, isImageModelId } from '@/lib/image/models';
import { attributesPanel } from '@/lib/latent/compare/attributes';
import type { CompareDomain } from '@/lib/latent/compare/domain';
import { encodeSet, type CompareProgress, type EncodedSet } from '@/lib/latent/compare/encode';
import { holesPanel } from '@/lib/latent/compare/holes';
import { mapPanel, nearestNeighbours } from '@/lib/latent/compare/map';
import { COMPARE_LIMITS, type CompareSide } from '@/lib/latent/compare/options';
import { pathsPanel } from '@/lib/latent/compare/paths';
import { sideHeader } from '@/lib/latent/compare/run';
import { unitsPanel } from '@/lib/latent/compare/units';
import { exampleWindowSet, midiWindowSet, musicCompareDomain } from '@/lib/music/compare-domain';
import { MusicVAE } from '@/lib/music/music-vae';
import type { CompareImageSource, CompareMusicSource, DisplayItems, PanelResult, SideInfo } from './compare-protocol';
import { loadModel as loadImageModel } from './image-handlers';
import { counting, sourceFor } from './music-handlers';
import type { WorkerRequest, WorkerResponse } from './protocol';

type CompareRequest = Extract<WorkerRequest, { type: `compare:${string}` }>;
type Post = (message: WorkerResponse, transfer?: Transferable[]) => void;
type Item = Float32Array | Int32Array;

interface SideState {
  load: number;
  model: LatentModel<tf.Tensor>;
  domain: CompareDomain<tf.Tensor, Item>;
  set: EncodedSet;
  /** Turns items into what the page shows. */
  display(items: readonly Item[]): DisplayItems;
  /** Requests still running on this state; a replaced state is disposed when the last one ends. */
  inUse: number;
  replaced: boolean;
}

const sides = new Map<CompareSide, SideState>();
let loads = 0;
let testDigits: Promise<ImageSet> | undefined;

/** True for the Compare lab's requests. */
export function isCompareRequest(request: WorkerRequest): request is CompareRequest {
  return request.type.startsWith('compare:');
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidInputError(`Could not download ${url}: HTTP ${response.status}.`);
  return new Uint8Array(await response.arrayBuffer());
}

/** MNIST's test split (2,000 digits), fetched once per worker. */
function mnistTest(): Promise<ImageSet> {
  testDigits ??= (async () => {
    const [images, labels] = await Promise.all(
      ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'].map(async (f) => parseIdx(await fetchBytes(`/data/mnist/${f}`), { name: f })),
    );
    if (!images || !labels) throw new InvalidInputError('The MNIST test files did not load.');
    return imagesAndLabels(images, labels, { imagesName: 't10k-images-idx3-ubyte', labelsName: 't10k-labels-idx1-ubyte' });
  })();
  testDigits.catch(() => {
    testDigits = undefined;
  });
  return testDigits;
}

/** Makes `state` the side's current one (or removes the side); the old model is disposed once no request uses it. */
function replaceSide(side: CompareSide, state: SideState | undefined): void {
  const old = sides.get(side);
  if (state) sides.set(side, state);
  else sides.delete(side);
  if (!old) return;
  old.replaced = true;
  if (old.inUse === 0) old.model.dispose();
}

async function withSide<T>(side: CompareSide, work: (state: SideState) => Promise<T>): Promise<T> {
  const state = sides.get(side);
  if (!state) throw new InvalidInputError(`No ${side} model is loaded in the comparison yet.`);
  state.inUse++;
  try {
    return await work(state);
  } finally {
    state.inUse--;
    if (state.replaced && state.inUse === 0) state.model.dispose();
  }
}

function imageDisplay(items: readonly Item[]): DisplayItems {
  const pixels = new Float32Array(items.length * 784);
  items.forEach((it, i) => pixels.set(it, i * 784));
  return { kind: 'image', pixels, count: items.length };
}

function musicDisplay(model: MusicVAE): (items: readonly Item[]) => DisplayItems {
  return (items) => ({ kind: 'music', music: model.converter.kind, sequences: items.map((labels) => model.converter.labelsToSequence(labels)) });
}

async function encodeInto(
  side: CompareSide,
  model: LatentModel<tf.Tensor>,
  domain: CompareDomain<tf.Tensor, Item>,
  display: SideState['display'],
  extra: { source: string; notes: string[]; description: { name: string; description: string } },
  progress: (p: CompareProgress) => void,
  signal: AbortSignal,
): Promise<SideInfo> {
  const t0 = performance.now();
  const set = await encodeSet(model, domain, { signal, onProgress: progress, batchSize: 256 });
  const load = ++loads;
  replaceSide(side, { load, model, domain, set, display, inUse: 0, replaced: false });
  return {
    side,
    load,
    header: sideHeader(side, model, domain, extra.description),
    labels: domain.labels.slice(),
    attributes: domain.attributes.map((a) => ({ id: a.id, name: a.name })),
    defaultGroups: domain.defaultGroups,
    itemName: domain.itemName,
    itemsName: domain.itemsName,
    distanceName: domain.distanceName,
    source: extra.source,
    notes: extra.notes,
    encodeSeconds: (performance.now() - t0) / 1000,
  };
}

async function loadImageSide(source: CompareImageSource, count: number, progress: (p: CompareProgress) => void, signal: AbortSignal): Promise<SideInfo> {
  if (source.kind === 'shipped' && !isImageModelId(source.id))
    throw new InvalidInputError(`There is no shipped image model "${source.id}"; the shipped ones are ${IMAGE_MODEL_IDS.join(', ')}.`);
  progress({ phase: 'load', label: 'Loading the digits and the model', done: 0, total: 2 });
  const digits = await mnistTest();
  progress({ phase: 'load', label: 'Loading the digits and the model', done: 1, total: 2 });
  const { model, label } = await loadImageModel(source.kind === 'shipped' ? { kind: 'shipped', id: source.id as (typeof IMAGE_MODEL_IDS)[number] } : source);
  try {
    const n = Math.min(count, digits.count);
    const domain = imageCompareDomain(model, digits, {
      count: n,
      dataName: `MNIST test split (${n === digits.count ? 'all' : `the first ${n} of`} ${digits.count.toLocaleString('en')} digits)`,
    });
    const notes = count > digits.count ? [`The test split has ${digits.count} digits; all are used.`] : [];
    return await encodeInto(
      'image',
      model as LatentModel<tf.Tensor>,
      domain as CompareDomain<tf.Tensor, Item>,
      imageDisplay,
      { source: label, notes, description: { name: model.spec.id, description: model.spec.title } },
      progress,
      signal,
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
}

async function loadMusicSide(
  source: CompareMusicSource,
  data: Extract<CompareRequest, { type: 'compare:load-music' }>['data'],
  count: number,
  seed: number,
  progress: (p: CompareProgress) => void,
  signal: AbortSignal,
): Promise<SideInfo> {
  const resolved = source.kind === 'shipped' ? sourceFor(source.lab, { kind: 'shipped' }) : sourceFor('melody', source);
  const counted = counting(resolved.source, (fraction, label) => progress({ phase: 'load', label, done: Math.round(fraction * 100), total: 100 }));
  const model = await MusicVAE.load(counted.source, resolved.name ? { name: resolved.name } : {});
  try {
    const set =
      data.kind === 'examples' ? exampleWindowSet(model.converter) : midiWindowSet(data.files, model.converter, { maxItems: count, seed, label: data.label });
    const domain = musicCompareDomain(model, set);
    const where = source.kind === 'shipped' ? 'shipped with Latent Lab' : source.kind === 'url' ? `from ${source.url}` : `from the folder ${source.name}`;
    return await encodeInto(
      'music',
      model as LatentModel<tf.Tensor>,
      domain as CompareDomain<tf.Tensor, Item>,
      musicDisplay(model),
      {
        source: `${where} · ${(counted.bytes() / 1e6).toFixed(1)} MB`,
        notes: set.notes,
        description: {
          name: model.name,
          description: `MusicVAE (${model.converter.type}, encoder ${model.sizes.encoderUnits}, decoder ${model.sizes.decoderUnits.join('×')})`,
        },
      },
      progress,
      signal,
    );
  } catch (error) {
    model.dispose();
    throw error;
  }
}

const DECODE_BATCH = 128;

async function runPanel(
  state: SideState,
  request: Extract<CompareRequest, { type: 'compare:panel' }>,
  progress: (p: CompareProgress) => void,
  signal: AbortSignal,
): Promise<{ result: PanelResult; transfer: Transferable[] }> {
  const { model, domain, set, display } = state;
  const s = request.settings;
  const work = { signal, onProgress: progress, batchSize: DECODE_BATCH };
  switch (request.panel) {
    case 'map': {
      const map = await mapPanel(set, domain.labels, { signal, onProgress: progress, k: s.k, umap: s.umap, seed: s.seed });
      return { result: { panel: 'map', report: map.report, pca: map.pca, umap: map.umap }, transfer: [map.pca.buffer, ...(map.umap ? [map.umap.buffer] : [])] };
    }
    case 'units':
      return { result: { panel: 'units', report: unitsPanel(set) }, transfer: [] };
    case 'paths': {
      const paths = await pathsPanel(model, domain, set, { ...work, pairs: s.pairs, seed: s.seed });
      const show = (items: Item[] | null): DisplayItems | null => (items ? display(items) : null);
      return {
        result: { panel: 'paths', report: paths.report, roughest: { lerp: show(paths.roughest.lerp), slerp: show(paths.roughest.slerp) } },
        transfer: [],
      };
    }
    case 'holes': {
      const { priorDraws, decodedDraws, worst } = COMPARE_LIMITS;
      const holes = await holesPanel(model, domain, set, {
        ...work,
        priorDraws: priorDraws.default,
        decodedDraws: decodedDraws.default,
        worst: worst.default,
        seed: s.seed,
      });
      return {
        result: {
          panel: 'holes',
          report: holes.report,
          logQ: holes.logQ,
          nearest: holes.nearest,
          worst: display(holes.worstItems),
          real: display(holes.realItems),
        },
        transfer: [holes.logQ.prior.buffer, holes.logQ.real.buffer],
      };
    }
    case 'attributes': {
      const attributes = await attributesPanel(model, domain, set, s.groups ?? domain.defaultGroups, {
        ...work,
        seed: s.seed,
        items: COMPARE_LIMITS.attributeItems.default,
        consistencyPairs: COMPARE_LIMITS.consistencyPairs.default,
      });
      return { result: { panel: 'attributes', report: attributes.report, walks: display(attributes.walks) }, transfer: [] };
    }
  }
}

/** Handles one compare:* request; `signal` fires when the page cancels it. */
export async function handleCompareRequest(request: CompareRequest, post: Post, signal: AbortSignal): Promise<void> {
  const id = request.id;
  const progress = (p: CompareProgress): void => post({ id, type: 'compare:progress', ...p });
  switch (request.type) {
    case 'compare:load-image': {
      const info = await loadImageSide(request.source, request.count, progress, signal);
      post({ id, type: 'compare:loaded', info });
      return;
    }
    case 'compare:load-music': {
      const info = await loadMusicSide(request.source, request.data, request.count, request.seed, progress, signal);
      post({ id, type: 'compare:loaded', info });
      return;
    }
    case 'compare:panel':
      return withSide(request.side, async (state) => {
        const t0 = performance.now();
        const { result, transfer } = await runPanel(state, request, progress, signal);
        post({ id, type: 'compare:panel:done', side: request.side, load: state.load, seconds: (performance.now() - t0) / 1000, result }, transfer);
      });
    case 'compare:neighbours':
      return withSide(request.side, async ({ set, domain, display }) => {
        if (request.index >= set.count) throw new InvalidInputError(`Item ${request.index} does not exist (the set has ${set.count}).`);
        const k = Math.min(request.k, set.count - 1);
        const nn = await nearestNeighbours(set.mean, set.count, set.dims, k, request.metric, [request.index]);
        const indices = Array.from(nn.indices);
        post({
          id,
          type: 'compare:neighbours:done',
          side: request.side,
          index: request.index,
          indices,
          distances: Array.from(nn.distances),
          items: display([domain.item(request.index), ...indices.map((i) => domain.item(i))]),
        });
      });
    case 'compare:dispose':
      replaceSide('image', undefined);
      replaceSide('music', undefined);
      post({ id, type: 'ok' });
      return;
    case 'compare:items':
      return withSide(request.side, async ({ set, domain, display }) => {
        const bad = request.indices.find((i) => i >= set.count);
        if (bad !== undefined) throw new InvalidInputError(`Item ${bad} does not exist (the set has ${set.count}).`);
        post({ id, type: 'compare:items:done', side: request.side, items: display(request.indices.map((i) => domain.item(i))) });
      });
  }
}
