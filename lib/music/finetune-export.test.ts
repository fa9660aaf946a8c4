/**
 * A fine-tuned model exported as a Magenta checkpoint folder (lib/music/finetune-store's
 * magentaFolder) is loaded by the reference implementation, @magenta/music 1.23.1, which encodes
 * and decodes exactly as we do (same harness as magenta-compat.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsSource } from '../core/checkpoint-node';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { FineTuner } from './finetune';
import type { FineTuneCard } from './finetune-card';
import { fineTuneRecipe } from './finetune-recipe';
import { magentaFolder } from './finetune-store';
import { MusicVAE } from './music-vae';

const run = promisify(execFile);
const REFERENCE = path.resolve('tools/magenta-reference/run.cjs');
let root: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'latent-lab-finetune-export-'));
  server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    if (rel.split('/').includes('..')) return void res.writeHead(400).end();
    readFile(path.join(root, rel))
      .then((body) => res.end(body))
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

describe('a fine-tuned model exported as a Magenta checkpoint', () => {
  it('is loaded by @magenta/music, which encodes and decodes the melodies exactly as we do', async () => {
    const base = await MusicVAE.load(fsSource(path.resolve('models/mel_2bar')), { keepVariables: true });
    const seqs = MELODY_EXAMPLES.map((e) => melodyExample(e));
    const tuner = await FineTuner.create(
      base,
      seqs.map((s) => base.converter.toLabels(s)),
      { ...fineTuneRecipe('whole', 'melody'), batchSize: 4 },
    );
    await tuner.trainStep();
    const state = await tuner.state();
    tuner.dispose();
    base.dispose();
    const card: FineTuneCard = {
      name: 'exported',
      kind: 'melody',
      mode: 'whole',
      base: 'mel_2bar',
      steps: state.step,
      seconds: state.seconds,
      savedAt: 1,
      data: { files: 8, refused: 0, trainWindows: 8, heldBackWindows: 0, heldBackNote: '' },
    };
    const dir = path.join(root, 'exported');
    await mkdir(dir);
    for (const [name, data] of magentaFolder(card, state)) await writeFile(path.join(dir, name), data);
    expect(JSON.parse(await readFile(path.join(dir, 'fine-tune.json'), 'utf8'))).toMatchObject({ name: 'exported', steps: 1 });

    const ours = await MusicVAE.load(fsSource(dir), { expectKind: 'melody' });
    const encoded = await ours.encodeSequences(seqs);
    const z = tf.tensor2d(encoded.z.map((c) => Array.from(c)));
    const labels = (await ours.decodeLabels(z)).map((l) => Array.from(l));
    z.dispose();
    ours.dispose();
    const request = path.join(root, 'request.json');
    await writeFile(
      request,
      JSON.stringify({
        checkpointUrl: `${baseUrl}/exported`,
        backend: tf.getBackend(),
        tasks: [
          { type: 'encode', sequences: seqs },
          { type: 'decodeLabels', z: encoded.z.map((c) => Array.from(c)) },
        ],
      }),
    );
    const { stdout } = await run(process.execPath, [REFERENCE, request], { maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
    const [enc, dec] = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { results: { mu?: number[][]; labels?: number[][]; error?: string }[] }).results;
    expect(enc?.error).toBeUndefined();
    let largest = 0;
    enc?.mu?.forEach((row, i) => row.forEach((x, j) => (largest = Math.max(largest, Math.abs(x - (encoded.z[i]?.[j] ?? NaN))))));
    expect(largest).toBeLessThan(1e-4);
    expect(dec?.labels).toEqual(labels);
  }, 300_000);
});
