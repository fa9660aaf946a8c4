import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { denseVaeLoss } from './card-node';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'card-node-'));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('denseVaeLoss', () => {
  it('is undefined only when there is no dense VAE beside the model; a damaged metrics.json is an error', async () => {
    const models = path.join(root, 'image');
    await mkdir(path.join(models, 'conv-vae'), { recursive: true });
    expect(await denseVaeLoss(path.join(models, 'conv-vae'))).toBeUndefined();
    await mkdir(path.join(models, 'vae'));
    await writeFile(path.join(models, 'vae', 'metrics.json'), '{ not json');
    await expect(denseVaeLoss(path.join(models, 'conv-vae'))).rejects.toThrow(/metrics\.json/);
  });
});
