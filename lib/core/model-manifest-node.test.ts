import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from './errors';
import { readManifest } from './model-manifest-node';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'manifest-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('readManifest', () => {
  it('starts an empty manifest only when there is no file', async () => {
    expect(await readManifest(path.join(dir, 'none.json'))).toEqual({ version: 1, models: [] });
  });

  it('names a manifest it cannot read or parse instead of treating it as empty (which would overwrite it)', async () => {
    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"version": 1, "models": [');
    await expect(readManifest(broken)).rejects.toThrow(CheckpointError);
    await expect(readManifest(broken)).rejects.toThrow(/broken\.json is not JSON/);
    const folder = path.join(dir, 'folder.json');
    await mkdir(folder);
    await expect(readManifest(folder)).rejects.toThrow(/Cannot read .*folder\.json/);
  });
});
