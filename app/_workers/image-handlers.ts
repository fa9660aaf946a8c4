/// <reference lib="webworker" />
/**
 * The image lab inside the model worker: holds the data and the current model (an ImageLab from
 * lib/image) and answers the page's image:* requests. Training streams batch/epoch messages,
 * can be paused, resumed and cancelled, and leaves the model usable after every epoch.
 */
import * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '@/lib/core/errors';
import { imagesAndLabels, parseIdx } from '@/lib/image/idx';
import { ImageAutoencoder } from '@/lib/image/image-model';
import { imageModelArtifacts, loadImageModel, loadImageModelFromUrl, parseSpecFile, specFile, weightBytes } from '@/lib/image/io';
import { ImageLab } from '@/lib/image/lab';
import { subsetImageSet, type ImageSplit } from '@/lib/image/mnist';
import { imageModelSpec } from '@/lib/image/specs';
import { trainImageModel } from '@/lib/image/train';
import type { ImageModelSource, ModelInfo } from './image-protocol';
import type { WorkerRequest, WorkerResponse } from './protocol';

type ImageRequest = Extract<WorkerRequest, { type: `image:${string}` }>;
type Post = (message: WorkerResponse, transfer?: Transferable[]) => void;

let data: ImageSplit | undefined;
let dataName = '';
let lab: ImageLab | undefined;
let modelSource = '';
let paused = false;
let resumeWaiters: Array<() => void> = [];
const SAVED_PREFIX = 'indexeddb://latent-lab-image/';

async function fetchBytes(url: string): Promise<Uint8Array> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidInputError(`Could not download ${url}: HTTP ${response.status}.`);
  return new Uint8Array(await response.arrayBuffer());
}

async function fetchJson(url: string): Promise<unknown> {
  const response = await fetch(url);
  if (!response.ok) throw new InvalidInputError(`Could not download ${url}: HTTP ${response.status}.`);
  return response.json();
}

async function splitFromIdx(files: readonly [Uint8Array, Uint8Array, Uint8Array, Uint8Array], names: readonly string[]): Promise<ImageSplit> {
  const [a, b, c, d] = await Promise.all(files.map((bytes, i) => parseIdx(bytes, { name: names[i] })));
  if (!a || !b || !c || !d) throw new Error('IDX parsing gave too few results.');
  return {
    train: imagesAndLabels(a, b, { imagesName: names[0], labelsName: names[1] }),
    test: imagesAndLabels(c, d, { imagesName: names[2], labelsName: names[3] }),
  };
}

const EMBEDDED = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'] as const;

function currentLab(): ImageLab {
  if (!lab) throw new InvalidInputError('The digits are not loaded yet: wait for "Loading digits…" to finish.');
  return lab;
}

function info(model: ImageAutoencoder, source: string): ModelInfo {
  const s = model.spec;
  const params = model.trainableVariables.reduce((n, v) => n + v.size, 0);
  return {
    id: s.id,
    title: s.title,
    lesson: s.lesson,
    zDims: s.zDims,
    variational: s.variational,
    inputSize: s.inputSize,
    corruption: s.corruption.kind,
    noiseSigma: s.corruption.kind === 'noise' ? s.corruption.sigma : undefined,
    parameters: params,
    source,
    defaults: s.defaults,
  };
}

async function loadModel(source: ImageModelSource): Promise<{ model: ImageAutoencoder; label: string }> {
  switch (source.kind) {
    case 'shipped':
      return { model: await loadImageModelFromUrl(`/models/image/${source.id}`, fetchJson), label: 'pretrained (shipped)' };
    case 'fresh':
      return { model: ImageAutoencoder.create(imageModelSpec(source.id, { zDims: source.zDims, noiseSigma: source.noiseSigma })), label: 'new, untrained' };
    case 'saved': {
      const base = `${SAVED_PREFIX}${source.name}`;
      const encoder = await tf.loadLayersModel(`${base}/encoder`);
      const spec = parseSpecFile(encoder.getUserDefinedMetadata(), `saved model "${source.name}"`);
      encoder.dispose();
      return { model: await loadImageModel(spec, { encoder: `${base}/encoder`, decoder: `${base}/decoder` }), label: `saved in this browser: ${source.name}` };
    }
    case 'files': {
      const [ej, ew] = source.encoder;
      const [dj, dw] = source.decoder;
      if (!ej || !ew || !dj || !dw) throw new InvalidInputError('Choose the four files of a downloaded model.');
      const encoder = await tf.loadLayersModel(tf.io.browserFiles([ej, ew]));
      const meta = encoder.getUserDefinedMetadata();
      encoder.dispose();
      if (!meta) throw new InvalidInputError(`${ej.name} has no Latent Lab model description: use the files from "Download model".`);
      const spec = parseSpecFile(meta, ej.name);
      return { model: await loadImageModel(spec, { encoder: tf.io.browserFiles([ej, ew]), decoder: tf.io.browserFiles([dj, dw]) }), label: `uploaded: ${ej.name}` };
    }
  }
}

/** The current model with its description stored in both halves' metadata (so saved or downloaded files load on their own). */
function stampedModel(): ImageAutoencoder {
  const model = currentLab().model;
  const spec = specFile(model.spec);
  model.encoder.setUserDefinedMetadata(spec);
  model.decoder.setUserDefinedMetadata(spec);
  return model;
}

function waitWhilePaused(): Promise<void> {
  if (!paused) return Promise.resolve();
  return new Promise((resolve) => resumeWaiters.push(resolve));
}

/** Handles one image:* request; `signal` fires when the page cancels it. */
export async function handleImageRequest(request: ImageRequest, post: Post, signal: AbortSignal): Promise<void> {
  const id = request.id;
  switch (request.type) {
    case 'image:data': {
      post({ id, type: 'image:progress', label: 'Loading digits…', fraction: 0 });
      if (request.source.kind === 'embedded') {
        const files = await Promise.all(EMBEDDED.map((f) => fetchBytes(`/data/mnist/${f}`)));
        data = await splitFromIdx([files[0] ?? new Uint8Array(), files[1] ?? new Uint8Array(), files[2] ?? new Uint8Array(), files[3] ?? new Uint8Array()], EMBEDDED);
        dataName = 'MNIST, the 10,000 digits embedded in the mnist package (samples 0–799 of each digit train)';
      } else {
        data = await splitFromIdx(request.source.files, ['train images', 'train labels', 'test images', 'test labels']);
        dataName = request.source.name;
      }
      const previous = lab?.hasModel ? lab.model : undefined;
      lab = new ImageLab(data);
      if (previous) lab.setModel(previous);
      post({ id, type: 'image:data:done', name: dataName, train: data.train.count, test: data.test.count, testLabels: data.test.labels.slice() });
      return;
    }
    case 'image:load': {
      const l = currentLab();
      const { model, label } = await loadModel(request.source);
      l.setModel(model);
      modelSource = label;
      post({ id, type: 'image:loaded', info: info(model, label) });
      return;
    }
    case 'image:train': {
      const l = currentLab();
      const train = request.subset ? subsetImageSet(l.data.train, request.subset) : l.data.train;
      const test = request.subset ? subsetImageSet(l.data.test, request.subset) : l.data.test;
      paused = false;
      let lastPost = 0;
      const result = await trainImageModel(l.model, train, test, {
        epochs: request.epochs,
        batchSize: request.batchSize,
        learningRate: request.learningRate,
        ...(request.inputNoise ? { inputNoise: request.inputNoise } : {}),
        seed: request.seed,
        signal,
        waitWhilePaused,
        onBatch: (stats) => {
          const now = performance.now();
          // At most ~20 chart updates a second; always the last batch of an epoch.
          if (now - lastPost > 50 || stats.batch === stats.batches) {
            lastPost = now;
            post({ id, type: 'image:batch', stats });
          }
        },
        onEpoch: (stats) => {
          l.weightsChanged();
          post({ id, type: 'image:epoch', stats });
        },
      });
      l.weightsChanged();
      modelSource = `${modelSource.replace(/ \+ trained here.*$/, '')} + trained here`;
      post({ id, type: 'image:trained', stoppedBy: result.stoppedBy, epochs: result.epochs, seconds: result.seconds });
      return;
    }
    case 'image:pause': {
      paused = request.paused;
      if (!paused) {
        const waiters = resumeWaiters;
        resumeWaiters = [];
        waiters.forEach((w) => w());
      }
      post({ id, type: 'ok' });
      return;
    }
    case 'image:digits': {
      const l = currentLab();
      const out = new Float32Array(request.indices.length * 784);
      request.indices.forEach((k, i) => {
        if (!Number.isInteger(k) || k < 0 || k >= l.data.test.count) throw new InvalidInputError(`A digit index must be from 0 to ${l.data.test.count - 1}; got ${k}.`);
        out.set(l.data.test.images.subarray(k * 784, (k + 1) * 784), i * 784);
      });
      post({ id, type: 'image:images', images: out, count: request.indices.length }, [out.buffer]);
      return;
    }
    case 'image:reconstruct': {
      const r = await currentLab().reconstructions(request.indices, request.seed, request.sigma);
      post({ id, type: 'image:reconstruct:done', ...r }, [r.clean.buffer, r.outputs.buffer, ...(r.corrupted ? [r.corrupted.buffer] : [])]);
      return;
    }
    case 'image:scatter': {
      const s = await currentLab().scatter(request.method, {
        count: request.count,
        signal,
        onProgress: (fraction) => post({ id, type: 'image:progress', label: 'UMAP layout', fraction }),
      });
      post({ id, type: 'image:scatter:done', points: s.points.slice(), labels: s.labels, count: s.count, method: s.method });
      return;
    }
    case 'image:manifold': {
      const images = await currentLab().manifold(request.n, request.range);
      post({ id, type: 'image:images', images, count: request.n * request.n }, [images.buffer]);
      return;
    }
    case 'image:generate': {
      const images = await currentLab().generate(request.n, request.seed);
      post({ id, type: 'image:images', images, count: request.n }, [images.buffer]);
      return;
    }
    case 'image:decode': {
      const images = await currentLab().decodeCodes(request.codes, request.count);
      post({ id, type: 'image:images', images, count: request.count }, [images.buffer]);
      return;
    }
    case 'image:latent-noise': {
      const images = await currentLab().latentNoise(request.index, request.sigma, request.n, request.seed);
      post({ id, type: 'image:images', images, count: request.n }, [images.buffer]);
      return;
    }
    case 'image:interpolate': {
      const images = await currentLab().interpolate(request.a, request.b, request.steps, request.mode);
      post({ id, type: 'image:images', images, count: request.steps }, [images.buffer]);
      return;
    }
    case 'image:drawn': {
      const d = await currentLab().drawn(request.ink, request.width, request.height);
      post({ id, type: 'image:drawn:done', ...d }, [d.digit.buffer, d.output.buffer]);
      return;
    }
    case 'image:baseline': {
      post({ id, type: 'image:progress', label: 'Fitting PCA on the training digits…', fraction: 0 });
      const b = await currentLab().pcaBaseline(request.count);
      post({ id, type: 'image:baseline:done', ...b, clean: b.clean.slice(), pcaImages: b.pcaImages.slice(), modelImages: b.modelImages.slice() });
      return;
    }
    case 'image:save': {
      const model = stampedModel();
      await model.encoder.save(`${SAVED_PREFIX}${request.name}/encoder`);
      await model.decoder.save(`${SAVED_PREFIX}${request.name}/decoder`);
      post({ id, type: 'image:saved', names: await savedNames() });
      return;
    }
    case 'image:saved-list': {
      post({ id, type: 'image:saved', names: await savedNames() });
      return;
    }
    case 'image:export': {
      const model = stampedModel();
      const spec = specFile(model.spec);
      const artifacts = await imageModelArtifacts(model);
      const files: Array<{ name: string; data: string | ArrayBuffer }> = [];
      for (const part of ['encoder', 'decoder'] as const) {
        const a = artifacts[part];
        const weights = weightBytes(a);
        const weightsName = `${spec.id}-${part}.weights.bin`;
        files.push({
          name: `${spec.id}-${part}.json`,
          data: JSON.stringify({ format: 'layers-model', modelTopology: a.modelTopology, weightsManifest: [{ paths: [weightsName], weights: a.weightSpecs ?? [] }], userDefinedMetadata: spec }),
        });
        files.push({ name: weightsName, data: weights });
      }
      post({ id, type: 'image:export:done', files });
      return;
    }
  }
}

async function savedNames(): Promise<string[]> {
  const all = await tf.io.listModels();
  const names = new Set<string>();
  for (const key of Object.keys(all)) {
    if (key.startsWith(SAVED_PREFIX) && key.endsWith('/encoder')) names.add(key.slice(SAVED_PREFIX.length, -'/encoder'.length));
  }
  return [...names].sort();
}
