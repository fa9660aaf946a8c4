import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../lib/core/model-manifest';
import { readImageModelFolder } from '../lib/image/io-node';
import { IMAGE_MODEL_IDS } from '../lib/image/specs';
import { cardSummarySchema, imageTargets } from '../lib/image/card';

describe('the shipped image models', () => {
  it('every id loads from models/image, its metrics.json is what train:image writes, met its targets, and agrees with the manifest', async () => {
    const manifest = manifestSchema.parse(JSON.parse(await readFile(path.resolve('models/manifest.json'), 'utf8')));
    for (const id of IMAGE_MODEL_IDS) {
      const dir = path.resolve('models/image', id);
      const model = await readImageModelFolder(dir);
      expect(model.spec.id).toBe(id);
      model.dispose();
      const summary = cardSummarySchema.parse(JSON.parse(await readFile(path.join(dir, 'metrics.json'), 'utf8')));
      expect(summary.validationImages, `${id} is a --validate run`).toBeUndefined();
      expect(
        summary.targets.filter((t) => !t.met),
        id,
      ).toEqual([]);
      const entry = manifest.models.find((m) => m.id === `image/${id}`);
      expect(entry, id).toBeDefined();
      const bytes = (await stat(path.join(dir, 'encoder', 'weights.bin'))).size + (await stat(path.join(dir, 'decoder', 'weights.bin'))).size;
      expect(entry?.bytes, id).toBe(bytes);
      expect(entry?.metrics?.vaeLoss, id).toBe(summary.metrics.vaeLoss);
      expect(entry?.metrics?.bce, id).toBe(summary.metrics.bce);
      // The stored weights are what metrics.json says they are.
      for (const part of ['encoder', 'decoder']) {
        const json = JSON.parse(await readFile(path.join(dir, part, 'model.json'), 'utf8')) as {
          weightsManifest: { weights: { quantization?: { dtype: string } }[] }[];
        };
        const kinds = new Set(json.weightsManifest.flatMap((g) => g.weights.map((w) => w.quantization?.dtype ?? 'float32')));
        expect([...kinds], `${id} ${part}`).toEqual([summary.quantized ? 'float16' : 'float32']);
      }
      const card = await readFile(path.join(dir, 'MODEL_CARD.md'), 'utf8');
      expect(card).toContain(summary.command.split('\n')[0] ?? '');
      expect(card).toContain(summary.quantized ? 'float16 weights' : 'float32 weights');
    }
    // The conv VAE's target is checked against the dense VAE as shipped now, not as it was when the card was written.
    const read = async (id: string) => cardSummarySchema.parse(JSON.parse(await readFile(path.resolve('models/image', id, 'metrics.json'), 'utf8')));
    const [dense, conv] = [await read('vae'), await read('conv-vae')];
    expect(conv.targets).toEqual(imageTargets('conv-vae', conv.metrics, dense.metrics.vaeLoss));
  }, 120_000);
});
