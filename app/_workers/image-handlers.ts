/// <reference lib="webworker" />
/**
 * The image lab inside the model worker: holds the data and the current model (an ImageLab from
 * lib/image) and answers the page's image:* requests — routing only: loading and saving models is
 * lib/image/io, every view's math lib/image/lab, training lib/image/train. Training streams
 * batch/epoch messages, can be paused, resumed and cancelled, and leaves the model usable after every
 * epoch.
 */
import { InvalidInputError } from '@/lib/core/errors';
import { manifestSchema } from '@/lib/core/model-manifest';
import { imagesAndLabels, MNIST_IDX_FILES, parseIdx } from '@/lib/image/idx';
import { ImageAutoencoder } from '@/lib/image/image-model';
import {
  imageModelFiles,
  loadImageModelFromFiles,
  loadSavedImageModel,
  loadShippedImageModel,
  saveImageModelInBrowser,
  savedImageModelNames,
} from '@/lib/image/io';
import { ImageLab } from '@/lib/image/lab';
import { subsetImageSet, type ImageSplit } from '@/lib/image/mnist';
import { imageModelSpec } from '@/lib/image/specs';
import { trainImageModel } from '@/lib/image/train';
import { countingResponse, fetchAllWithProgress } from './fetch-progress';
import type { ImageModelSource, ModelInfo } from './image-protocol';
import type { WorkerRequest, WorkerResponse } from './protocol';

type ImageRequest = Extract<WorkerRequest, { type: `image:${string}` }>;
type Post = (message: WorkerResponse, transfer?: Transferable[]) => void;

/** Where the current weights come from: how they were loaded, and epochs trained here since. */
interface Origin {
  loaded: string;
  trainedEpochs: number;
}

let data: ImageSplit | undefined;
let dataName = '';
let lab: ImageLab | undefined;
let origin: Origin = { loaded: '', trainedEpochs: 0 };
let paused = false;
let resumeWaiters: Array<() => void> = [];

/** "pretrained (shipped)", then "pretrained (shipped), then trained here for 3 epochs". */
export function originLabel(o: Origin): string {
  if (o.trainedEpochs === 0) return o.loaded;
  return `${o.loaded}, then trained here for ${o.trainedEpochs} epoch${o.trainedEpochs === 1 ? '' : 's'}`;
}

type Progress = (label: string, fraction?: number) => void;
const kb = (bytes: number): string => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;

/** Weight bytes of each shipped model (from models/manifest.json), fetched once. */
let shippedBytes: Promise<Map<string, number>> | undefined;
function weightBytesOf(id: string): Promise<number | undefined> {
  shippedBytes ??= fetch('/models/manifest.json')
    .then(async (r) => (r.ok ? new Map(manifestSchema.parse(await r.json()).models.map((m) => [m.id, m.bytes])) : new Map<string, number>()))
    .catch(() => new Map<string, number>());
  return shippedBytes.then((m) => m.get(`image/${id}`));
}

/** Loads a shipped model, reporting the weight bytes downloaded against the manifest's size. */
async function loadShippedWithProgress(id: ImageModelSource & { kind: 'shipped' }, progress: Progress): Promise<ImageAutoencoder> {
  const title = imageModelSpec(id.id).title;
  const total = await weightBytesOf(id.id);
  let received = 0;
  const report = (): void =>
    progress(`Downloading the pretrained ${title}: ${kb(received)}${total ? ` of ${kb(total)}` : ''}`, total ? Math.min(1, received / total) : undefined);
  report();
  const fetchFunc = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    // Only the weight files count toward the manifest's size.
    if (!String(input instanceof Request ? input.url : input).endsWith('.bin')) return response;
    return countingResponse(response, (n) => {
      received += n;
      report();
    });
  };
  return loadShippedImageModel(id.id, fetchJson, { fetchFunc });
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

function currentLab(): ImageLab {
  if (!lab) throw new InvalidInputError('The digits are not loaded yet: wait for "Loading digits…" to finish.');
  return lab;
}

function info(model: ImageAutoencoder): ModelInfo {
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
    source: originLabel(origin),
    defaults: s.defaults,
  };
}

/** Loads an image model for the lab (and for the Compare lab's image side); `progress` hears download bytes. */
export async function loadModel(source: ImageModelSource, progress: Progress = () => undefined): Promise<{ model: ImageAutoencoder; label: string }> {
  switch (source.kind) {
    case 'shipped':
      return { model: await loadShippedWithProgress(source, progress), label: 'pretrained (shipped)' };
    case 'fresh':
      return { model: ImageAutoencoder.create(imageModelSpec(source.id, { zDims: source.zDims, noiseSigma: source.noiseSigma })), label: 'new, untrained' };
    case 'saved':
      return { model: await loadSavedImageModel(source.name), label: `saved in this browser: ${source.name}` };
    case 'files': {
      const [ej, ew] = source.encoder;
      const [dj, dw] = source.decoder;
      if (!ej || !ew || !dj || !dw) throw new InvalidInputError('Choose the four files of a downloaded model.');
      return { model: await loadImageModelFromFiles({ encoder: [ej, ew], decoder: [dj, dw] }), label: `uploaded: ${ej.name}` };
    }
  }
}

function waitWhilePaused(): Promise<void> {
  if (!paused) return Promise.resolve();
  return new Promise((resolve) => resumeWaiters.push(resolve));
}

/** Handles one image:* request; `signal` fires when the page cancels it. */
export async function handleImageRequest(request: ImageRequest, post: Post, signal: AbortSignal): Promise<void> {
  const id = request.id;
  const progress = (label: string, fraction?: number): void => post({ id, type: 'image:progress', label, ...(fraction === undefined ? {} : { fraction }) });
  switch (request.type) {
    case 'image:data': {
      if (request.source.kind === 'embedded') {
        const files = await fetchAllWithProgress(
          MNIST_IDX_FILES.map((f) => `/data/mnist/${f}`),
          (received, total) =>
            progress(`Downloading the embedded digits: ${kb(received)}${total ? ` of ${kb(total)}` : ''}`, total ? received / total : undefined),
        );
        data = await splitFromIdx(
          [files[0] ?? new Uint8Array(), files[1] ?? new Uint8Array(), files[2] ?? new Uint8Array(), files[3] ?? new Uint8Array()],
          MNIST_IDX_FILES,
        );
        dataName = 'MNIST, the 10,000 digits embedded in the mnist package (samples 0–799 of each digit train)';
      } else {
        progress(`Reading ${request.source.name}`);
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
      const { model, label } = await loadModel(request.source, progress);
      l.setModel(model);
      origin = { loaded: label, trainedEpochs: 0 };
      post({ id, type: 'image:loaded', info: info(model) });
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
          origin = { ...origin, trainedEpochs: origin.trainedEpochs + 1 };
          post({ id, type: 'image:epoch', stats, source: originLabel(origin) });
        },
      });
      l.weightsChanged();
      post({ id, type: 'image:trained', stoppedBy: result.stoppedBy, epochs: result.epochs, seconds: result.seconds, source: originLabel(origin) });
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
        if (!Number.isInteger(k) || k < 0 || k >= l.data.test.count)
          throw new InvalidInputError(`A digit index must be from 0 to ${l.data.test.count - 1}; got ${k}.`);
        out.set(l.data.test.images.subarray(k * 784, (k + 1) * 784), i * 784);
      });
      post({ id, type: 'image:images', images: out, count: request.indices.length }, [out.buffer]);
      return;
    }
    case 'image:reconstruct': {
      const r = await currentLab().reconstructions(request.indices, request.seed, { sigma: request.sigma, kernel: request.kernel });
      post({ id, type: 'image:reconstruct:done', ...r }, [r.clean.buffer, r.outputs.buffer, ...(r.corrupted ? [r.corrupted.buffer] : [])]);
      return;
    }
    case 'image:scatter': {
      const s = await currentLab().scatter(request.method, { count: request.count, signal, onProgress: progress });
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
      const b = await currentLab().baseline(request.count, { signal, onProgress: progress });
      post({ id, type: 'image:baseline:done', ...b });
      return;
    }
    case 'image:save': {
      await saveImageModelInBrowser(currentLab().model, request.name);
      post({ id, type: 'image:saved', names: await savedImageModelNames() });
      return;
    }
    case 'image:saved-list': {
      post({ id, type: 'image:saved', names: await savedImageModelNames() });
      return;
    }
    case 'image:export': {
      post({ id, type: 'image:export:done', files: await imageModelFiles(currentLab().model) });
      return;
    }
  }
}
