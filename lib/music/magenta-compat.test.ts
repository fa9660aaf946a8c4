/**
 * Compatibility proof against the reference implementation, @magenta/music 1.23.1: random-weight
 * checkpoints with the exact shapes of mel_2bar_small and drums_2bar_lokl_small are written in
 * Magenta's format, served on 127.0.0.1, and loaded by both libraries (Magenta in its own process,
 * since its TF.js 2 cannot share a realm with ours). On real melodies and grooves μ must agree
 * within 1e-4 and argmax decodes must match step for step.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fsSource, writeCheckpointFolder } from '../core/checkpoint-node';
import { encodeCheckpoint } from '../core/checkpoint-write';
import { manifestSchema } from '../core/model-manifest';
import { createRng } from '../core/random';
import { DRUM_EXAMPLES, drumExample, MELODY_EXAMPLES, melodyExample } from './examples';
import { MusicVAE } from './music-vae';
import type { QuantizedNoteSequence } from './note-sequence';
import { DRUMS_2BAR_SMALL, MEL_2BAR_SMALL, musicVaeConfigFor, randomMusicVaeVariables } from './testing/random-checkpoint';

const run = promisify(execFile);
const REFERENCE = path.resolve('tools/magenta-reference/run.cjs');

let root: string;
let server: Server;
let baseUrl: string;

interface ReferenceAnswer {
  results: { mu?: number[][]; labels?: number[][]; error?: string }[];
}

async function reference(request: object): Promise<ReferenceAnswer> {
  const file = path.join(root, `request-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, JSON.stringify(request));
  const { stdout } = await run(process.execPath, [REFERENCE, file], { maxBuffer: 64 * 1024 * 1024, timeout: 240_000 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ReferenceAnswer;
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'latent-lab-compat-'));
  for (const spec of [MEL_2BAR_SMALL, DRUMS_2BAR_SMALL]) {
    const encoded = encodeCheckpoint(randomMusicVaeVariables({ ...spec, seed: 7, outputScale: 10 }), { shardBytes: 4 * 1024 * 1024 });
    await writeCheckpointFolder(path.join(root, spec.kind), encoded, { 'config.json': musicVaeConfigFor(spec.kind) });
  }
  server = createServer((req, res) => {
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/^\/+/, '');
    if (rel.split('/').includes('..')) {
      res.statusCode = 400;
      res.end();
      return;
    }
    // /shipped/… serves the repository's models/ folder (the shipped checkpoints).
    const file = rel.startsWith('shipped/') ? path.resolve('models', rel.slice('shipped/'.length)) : path.join(root, rel);
    readFile(file)
      .then((body) => res.end(body))
      .catch(() => {
        res.statusCode = 404;
        res.end();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(root, { recursive: true, force: true });
});

function maxAbsDiff(a: readonly (readonly number[])[], b: readonly ArrayLike<number>[]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((x, j) => (m = Math.max(m, Math.abs(x - (b[i]?.[j] ?? NaN))))));
  return Number.isNaN(m) ? Infinity : m;
}

async function compare(kind: 'melody' | 'drums', sequences: QuantizedNoteSequence[], shipped?: string): Promise<void> {
  const model = await MusicVAE.load(fsSource(shipped ? path.resolve('models', shipped) : path.join(root, kind)));
  try {
    const ours = await model.encodeSequences(sequences);
    const rng = createRng(3);
    const codes = [...ours.z.map((z) => Array.from(z)), ...Array.from({ length: 4 }, () => Array.from(rng.normalArray(model.zDims)))];
    const answer = await reference({
      checkpointUrl: shipped ? `${baseUrl}/shipped/${shipped}` : `${baseUrl}/${kind}`,
      // The same backend on both sides: backends round differently (e.g. WASM's fused kernels), and
      // with random weights a few argmax choices sit close enough to a tie for that to show.
      backend: tf.getBackend(),
      tasks: [
        { type: 'encode', sequences },
        { type: 'decodeLabels', z: codes },
      ],
    });
    const [enc, dec] = answer.results;
    expect(enc?.error).toBeUndefined();
    expect(enc?.mu).toHaveLength(sequences.length);
    expect(maxAbsDiff(enc?.mu ?? [], ours.z)).toBeLessThan(1e-4);

    const z = tf.tensor2d(codes);
    const ourLabels = (await model.decodeLabels(z)).map((l) => Array.from(l));
    z.dispose();
    expect(dec?.error).toBeUndefined();
    expect(ourLabels).toEqual(dec?.labels);
    // The decodes are not degenerate: random weights still give varied classes.
    expect(new Set(ourLabels.flat()).size).toBeGreaterThan(3);
  } finally {
    model.dispose();
  }
}

describe('compatibility with @magenta/music 1.23.1', () => {
  it('mel_2bar_small shapes: same μ (within 1e-4) and the same argmax decodes on real melodies', async () => {
    await compare(
      'melody',
      MELODY_EXAMPLES.map((e) => melodyExample(e)),
    );
  }, 300_000);

  it('drums_2bar_lokl_small shapes: same μ (within 1e-4) and the same argmax decodes on real grooves', async () => {
    await compare(
      'drums',
      DRUM_EXAMPLES.map((e) => drumExample(e)),
    );
  }, 300_000);
});

describe('the shipped music models are real Magenta checkpoints', () => {
  it('models/manifest.json lists mel_2bar and drums_2bar, and @magenta/music decodes them exactly as we do', async () => {
    const manifest = manifestSchema.parse(JSON.parse(await readFile(path.resolve('models/manifest.json'), 'utf8')));
    const music = manifest.models.filter((m) => m.format === 'magenta-musicvae');
    expect(music.map((m) => m.id).sort()).toEqual(['drums_2bar', 'mel_2bar']);
    for (const entry of music) {
      await compare(
        entry.kind === 'drums' ? 'drums' : 'melody',
        entry.kind === 'drums' ? DRUM_EXAMPLES.map((e) => drumExample(e)) : MELODY_EXAMPLES.map((e) => melodyExample(e)),
        entry.path,
      );
    }
  }, 600_000);
});
