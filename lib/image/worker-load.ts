/**
 * Loading image models in the model worker (browser: fetch with byte progress, IndexedDB, picked
 * files), for the image lab and the Compare lab's image side.
 */
import { InvalidInputError } from '../core/errors';
import { countingResponse } from '../core/fetch-progress';
import { manifestSchema } from '../core/model-manifest';
import { ImageAutoencoder } from './image-model';
import { loadImageModelFromFiles, loadSavedImageModel, loadShippedImageModel } from './io';
import type { ImageModelSource } from './protocol';
import { imageModelSpec } from './specs';

/** Hears what is being downloaded and, when known, the fraction done. */
export type Progress = (label: string, fraction?: number) => void;
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
