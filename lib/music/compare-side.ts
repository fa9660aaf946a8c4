/**
 * The melody and drum domains' Compare sides in the model worker: load a MusicVAE (shipped, a
 * Magenta checkpoint URL, or a picked folder) and a set of 2-bar windows (the built-in examples or
 * picked MIDI files), and hand lib/compare the model, the adapter (./compare-domain) and how to show
 * windows (as note sequences).
 */
import type * as tf from '@tensorflow/tfjs';
import { InvalidInputError } from '../core/errors';
import type { LatentModel } from '../core/latent-model';
import type { CompareSideLoader, LoadedSide } from '../domains/types';
import type { CompareDomain } from '../latent/compare/domain';
import { exampleWindowSet, midiWindowSet, musicCompareDomain } from './compare-domain';
import { musicCompareExtraSchema, musicCompareModelSchema } from './compare-model';
import { MusicVAE } from './music-vae';
import type { MusicModelSource } from './protocol';
import type { MusicKind } from './shipped';
import { counting, sourceFor } from './worker-load';

function musicCompareSide(kind: MusicKind): CompareSideLoader {
  return {
    async load(params, progress): Promise<LoadedSide<unknown>> {
      const value = musicCompareModelSchema(kind).parse(params.model);
      const extra = musicCompareExtraSchema.safeParse(params.extra ?? {});
      if (!extra.success) throw new InvalidInputError(`The music column's files could not be used: ${extra.error.issues[0]?.message ?? 'invalid'}.`);
      const { folder, data } = extra.data;
      let source: MusicModelSource;
      if (value === 'folder') {
        if (!folder) throw new InvalidInputError('Choose a checkpoint folder (config.json, weights_manifest.json and its shards).');
        source = { kind: 'folder', ...folder };
      } else if (value.startsWith('url:')) source = { kind: 'url', url: value.slice('url:'.length) };
      else if (value.startsWith('saved:')) source = { kind: 'saved', name: value.slice('saved:'.length) };
      else source = { kind: 'shipped' };
      const resolved = sourceFor(kind, source);
      const counted = counting(resolved.source, (fraction, label) => progress({ phase: 'load', label, done: Math.round(fraction * 100), total: 100 }));
      const model = await MusicVAE.load(counted.source, { expectKind: kind, ...(resolved.name ? { name: resolved.name } : {}) });
      try {
        const set =
          data.kind === 'examples'
            ? exampleWindowSet(model.converter)
            : midiWindowSet(data.files, model.converter, { maxItems: params.count, seed: params.seed, label: data.label });
        const domain = musicCompareDomain(model, set);
        const where =
          source.kind === 'shipped'
            ? 'shipped with Latent Lab'
            : source.kind === 'url'
              ? `from ${source.url}`
              : source.kind === 'saved'
                ? `fine-tuned in this browser ("${source.name}")`
                : `from the folder ${source.name}`;
        const converterKind = model.converter.kind;
        return {
          model: model as LatentModel<tf.Tensor>,
          domain: domain as unknown as CompareDomain<tf.Tensor, unknown>,
          display: (items) => ({
            kind: 'sequence',
            music: converterKind,
            sequences: (items as Int32Array[]).map((labels) => model.converter.labelsToSequence(labels)),
          }),
          source: `${where} · ${(counted.bytes() / 1e6).toFixed(1)} MB`,
          notes: set.notes,
          description: {
            name: model.name,
            description: `MusicVAE (${model.converter.type}, encoder ${model.sizes.encoderUnits}, decoder ${model.sizes.decoderUnits.join('×')})`,
          },
        };
      } catch (error) {
        model.dispose();
        throw error;
      }
    },
  };
}

export const melodyCompareSide = musicCompareSide('melody');
export const drumsCompareSide = musicCompareSide('drums');
