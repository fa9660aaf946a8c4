/**
 * The image domain's worker part: holds the data and the current model (an ImageLab) and answers
 * the page's image:* requests — routing only: loading and saving models is ./io, every view's math
 * ./lab, training ./train. Training streams batch/epoch messages, can be paused, resumed and
 * cancelled, and leaves the model usable after every epoch. Runs in the model worker (browser APIs:
 * fetch, IndexedDB), never on a page.
 */
import type { z } from 'zod';
import { InvalidInputError } from '../core/errors';
import { fetchAllWithProgress } from '../core/fetch-progress';
import { defineWorkerPart, typedPost } from '../domains/router';
import { imageCompareSide } from './compare-side';
import { loadModel } from './worker-load';
import { imagesAndLabels, MNIST_IDX_FILES, parseIdx } from './idx';
import { type ImageAutoencoder } from './image-model';
import { imageModelFiles, saveImageModelInBrowser, savedImageModelNames } from './io';
import { ImageLab } from './lab';
import { subsetImageSet, type ImageSplit } from './mnist';
import { imageProtocol, type ModelInfo } from './protocol';
import { trainImageModel } from './train';

type ImageRequest = z.output<(typeof imageProtocol.requests)[number]>;
type ImageResponse = z.output<(typeof imageProtocol.responses)[number]> | { id: number; type: 'ok' };
type Post = (message: ImageResponse, transfer?: Transferable[]) => void;

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

const kb = (bytes: number): string => `${Math.round(bytes / 1024).toLocaleString('en')} KB`;

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

function waitWhilePaused(): Promise<void> {
  if (!paused) return Promise.resolve();
  return new Promise((resolve) => resumeWaiters.push(resolve));
}

/** Handles one image:* request; `signal` fires when the page cancels it. */
async function handleImageRequest(request: ImageRequest, post: Post, signal: AbortSignal): Promise<void> {
  const id = request.id;
  const progress = (label: string, fraction?: number): void => post({ id, type: 'image:progress', label, ...(fraction === undefined ? {} : { fraction }) });
  switch (request.type) {
    case 'image:data': {
      if (request.source.kind === 'embedded') {
        const files = await fetchAllWithProgress(
          MNIST_IDX_FILES.map((f) => `/data/mnist/${f}.gz`),
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

/** The image domain in the model worker: the lab's requests and the Compare side. */
export const imageWorkerPart = defineWorkerPart({
  protocol: imageProtocol,
  handle: (request, context) => handleImageRequest(request, typedPost<ImageResponse>(context.post), context.signal),
  compare: { image: imageCompareSide },
});
