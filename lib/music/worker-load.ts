/**
 * Reading MusicVAE checkpoints in the model worker: from the shipped folder on this origin, a
 * picked folder or a URL, counting the bytes for a real progress bar.
 */
import { filesSource, storedBytes, urlSource, weightsManifestSchema, type WeightSource } from '../core/checkpoint';
import { CheckpointError } from '../core/errors';
import { savedModelSource } from './finetune-store';
import type { MusicModelSource } from './protocol';
import { SHIPPED_MUSIC_MODELS, type MusicKind } from './shipped';

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

/** Where a lab's model is read from: the shipped folder on this origin, a picked folder, a checkpoint URL, or a fine-tuned model saved in this browser. */
export function sourceFor(lab: MusicKind, source: MusicModelSource): { source: WeightSource; name?: string } {
  if (source.kind === 'shipped')
    return { source: urlSource(new URL(`/models/${SHIPPED_MUSIC_MODELS[lab]}/`, self.location.href).href), name: SHIPPED_MUSIC_MODELS[lab] };
  if (source.kind === 'folder') return { source: filesSource(source.files, `the folder "${source.name}"`), name: source.name };
  if (source.kind === 'saved') return { source: savedModelSource(source.name), name: source.name };
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
