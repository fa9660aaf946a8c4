import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesSource, loadCheckpointTensors, urlSource, type WeightSource } from './checkpoint';
import { fsSource } from './checkpoint-node';
import { encodeCheckpoint, float32ToFloat16Bits, type NamedValues, type Quantization } from './checkpoint-write';
import { CheckpointError } from './errors';
import { createRng } from './random';

const rng = createRng(2024);
const VARIABLES: NamedValues[] = [
  { name: 'encoder/kernel', shape: [6, 4], values: rng.normalArray(24) },
  { name: 'encoder/bias', shape: [4], values: rng.normalArray(4) },
  { name: 'decoder/kernel', shape: [4, 6], values: rng.normalArray(24) },
];
const EXPECTED = { 'encoder/kernel': [6, 4], 'encoder/bias': [4], 'decoder/kernel': [4, 6] };

let tmp: string;

async function writeCheckpoint(name: string, quantization: Quantization = 'none', shardBytes = 40): Promise<string> {
  const dir = path.join(tmp, name);
  const { manifest, shards } = encodeCheckpoint(VARIABLES, { quantization, shardBytes });
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'weights_manifest.json'), JSON.stringify(manifest));
  for (const [file, bytes] of shards) await writeFile(path.join(dir, file), bytes);
  return dir;
}

async function loadValues(source: WeightSource): Promise<Record<string, number[]>> {
  const tensors = await loadCheckpointTensors(source, { expected: EXPECTED });
  const out: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(tensors)) out[name] = Array.from(await t.data());
  tf.dispose(tensors);
  return out;
}

function maxError(a: readonly number[], b: Float32Array): number {
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - (b[i] ?? NaN))), 0);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'latent-lab-ckpt-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('loadCheckpointTensors from a folder', () => {
  it('reads float32 weights split over several shards exactly', async () => {
    const dir = await writeCheckpoint('f32');
    const values = await loadValues(fsSource(dir));
    for (const v of VARIABLES) expect(values[v.name]).toEqual(Array.from(v.values));
  });

  it('de-quantizes uint8 weights to within half a quantization step', async () => {
    const dir = await writeCheckpoint('u8', 'uint8');
    const values = await loadValues(fsSource(dir));
    for (const v of VARIABLES) {
      const min = Math.min(...v.values);
      const max = Math.max(...v.values);
      const got = values[v.name] ?? [];
      expect(maxError(got, v.values)).toBeLessThanOrEqual((max - min) / 255 / 2 + 1e-6);
      expect(maxError(got, v.values)).toBeGreaterThan(0); // really quantized
    }
  });

  it('de-quantizes float16 weights to within float16 precision', async () => {
    const dir = await writeCheckpoint('f16', 'float16');
    const values = await loadValues(fsSource(dir));
    for (const v of VARIABLES) {
      const got = values[v.name] ?? [];
      got.forEach((x, i) => expect(Math.abs(x - (v.values[i] ?? 0))).toBeLessThanOrEqual(Math.abs(v.values[i] ?? 0) * 2 ** -11 + 1e-7));
    }
  });

  it('leaves no tensors behind when loading fails half-way', async () => {
    const dir = await writeCheckpoint('leak');
    await rm(path.join(dir, 'group1-shard4of6'));
    const before = tf.memory().numTensors;
    await expect(loadCheckpointTensors(fsSource(dir))).rejects.toBeInstanceOf(CheckpointError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadCheckpointTensors failure messages', () => {
  it('names a missing manifest', async () => {
    const err = await loadCheckpointTensors(fsSource(path.join(tmp, 'nope'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as CheckpointError).message).toMatch(/weights_manifest\.json does not exist/);
  });

  it('names a missing shard', async () => {
    const dir = await writeCheckpoint('missing-shard');
    await rm(path.join(dir, 'group1-shard2of6'));
    await expect(loadCheckpointTensors(fsSource(dir))).rejects.toThrow(/group1-shard2of6 does not exist/);
  });

  it('detects a truncated shard by its byte count', async () => {
    const dir = await writeCheckpoint('truncated');
    await truncate(path.join(dir, 'group1-shard6of6'), 3);
    await expect(loadCheckpointTensors(fsSource(dir))).rejects.toThrow(/need 208\. A shard is truncated/);
  });

  it('names a variable with the wrong shape, with expected and actual shapes', async () => {
    const dir = await writeCheckpoint('shape');
    await expect(loadCheckpointTensors(fsSource(dir), { expected: { 'encoder/kernel': [6, 5] } })).rejects.toThrow(
      'Variable "encoder/kernel" in ' + dir + ' has shape [6, 4] but the model expects [6, 5].',
    );
  });

  it('names a missing variable', async () => {
    const dir = await writeCheckpoint('missing-var');
    const err = (await loadCheckpointTensors(fsSource(dir), { expected: { 'decoder/bias': [6] } }).catch((e: unknown) => e)) as CheckpointError;
    expect(err.variable).toBe('decoder/bias');
    expect(err.message).toMatch(/has no variable "decoder\/bias" \(expected shape \[6\]\)/);
  });

  it('rejects malformed manifests, duplicate names, unsafe paths and absurd sizes', async () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ not: 'a list' }, /not a valid TF.js weights manifest/],
      [[{ paths: ['a.bin'], weights: [{ name: 'x', shape: [2], dtype: 'complex64' }] }], /at 0\.weights\.0\.dtype/],
      [
        [{ paths: ['a.bin'], weights: [{ name: 'x', shape: [2], dtype: 'float32', quantization: { dtype: 'uint8' } }] }],
        /uint8-quantized but has no min\/scale/,
      ],
      [
        [
          {
            paths: ['a.bin'],
            weights: [
              { name: 'x', shape: [1], dtype: 'float32' },
              { name: 'x', shape: [1], dtype: 'float32' },
            ],
          },
        ],
        /lists the variable "x" twice/,
      ],
      [[{ paths: ['../../etc/passwd'], weights: [{ name: 'x', shape: [1], dtype: 'float32' }] }], /not a plain relative path/],
      [[{ paths: ['https://evil.example/x.bin'], weights: [{ name: 'x', shape: [1], dtype: 'float32' }] }], /not a plain relative path/],
      [[{ paths: ['a.bin'], weights: [{ name: 'x', shape: [100000, 100000], dtype: 'float32' }] }], /40000\.0 MB of weights, more than the/],
    ];
    for (const [i, [manifest, message]] of cases.entries()) {
      const dir = path.join(tmp, `bad-${i}`);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'weights_manifest.json'), JSON.stringify(manifest));
      await expect(loadCheckpointTensors(fsSource(dir))).rejects.toThrow(message);
    }
  });

  it('rejects a manifest that is not JSON, and weights that are NaN', async () => {
    const dir = path.join(tmp, 'not-json');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'weights_manifest.json'), '<html>oops</html>');
    await expect(loadCheckpointTensors(fsSource(dir))).rejects.toThrow(/is not valid JSON \(starts with "<html>oops/);

    const nanDir = path.join(tmp, 'nan');
    const { manifest, shards } = encodeCheckpoint([{ name: 'w', shape: [2], values: new Float32Array([1, Number.NaN]) }]);
    await mkdir(nanDir, { recursive: true });
    await writeFile(path.join(nanDir, 'weights_manifest.json'), JSON.stringify(manifest));
    for (const [file, bytes] of shards) await writeFile(path.join(nanDir, file), bytes);
    await expect(loadCheckpointTensors(fsSource(nanDir))).rejects.toThrow(/"w" .* contains NaN or infinite values/);

    const infDir = path.join(tmp, 'inf16');
    const f16 = encodeCheckpoint([{ name: 'h', shape: [2], values: new Float32Array([1, Number.POSITIVE_INFINITY]) }], { quantization: 'float16' });
    await mkdir(infDir, { recursive: true });
    await writeFile(path.join(infDir, 'weights_manifest.json'), JSON.stringify(f16.manifest));
    for (const [file, bytes] of f16.shards) await writeFile(path.join(infDir, file), bytes);
    await expect(loadCheckpointTensors(fsSource(infDir))).rejects.toThrow(/"h" .* contains NaN or infinite values/);

    // A finite weight too large for a half float is refused rather than written as ±∞.
    expect(() => encodeCheckpoint([{ name: 'big', shape: [2], values: new Float32Array([1, -1e6]) }], { quantization: 'float16' })).toThrow(
      /"big" holds -1000000, beyond what a half float can store/,
    );
    expect(() => encodeCheckpoint([{ name: 'edge', shape: [1], values: new Float32Array([65504]) }], { quantization: 'float16' })).not.toThrow();
  });
});

describe('loadCheckpointTensors over HTTP', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const dir = await writeCheckpoint('http', 'uint8');
    const files = fsSource(dir);
    server = createServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').split('/').pop() ?? '');
      files
        .readBinary(name)
        .then((buf) => res.end(Buffer.from(buf)))
        .catch(() => {
          res.statusCode = 404;
          res.end('not found');
        });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/ckpt`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('loads a checkpoint served on 127.0.0.1', async () => {
    const values = await loadValues(urlSource(base));
    expect(Object.keys(values).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('reports HTTP 404 with the file URL and a hint', async () => {
    const source = urlSource(base);
    await expect(source.readBinary('group1-shard9of9')).rejects.toThrow(`${base}/group1-shard9of9 failed with HTTP 404`);
  });

  it('reports an unreachable host', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    await expect(loadCheckpointTensors(urlSource('http://127.0.0.1:9/ckpt', failing))).rejects.toThrow(
      'Could not reach http://127.0.0.1:9/ckpt/weights_manifest.json (fetch failed)',
    );
  });

  it('rejects an invalid base URL', () => {
    expect(() => urlSource('http://[::1')).toThrow(CheckpointError);
  });
});

describe('urlSource downloads', () => {
  it('streams a file and reports the bytes received so far', async () => {
    const chunks = [new Uint8Array([1, 2, 3]), new Uint8Array([4, 5]), new Uint8Array([6])];
    const fakeFetch = (() =>
      Promise.resolve(
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              for (const c of chunks) controller.enqueue(c);
              controller.close();
            },
          }),
        ),
      )) as unknown as typeof fetch;
    const seen: number[] = [];
    const data = await urlSource('http://127.0.0.1:9/ckpt', fakeFetch).readBinary('group1-shard1of1', (n) => seen.push(n));
    expect(Array.from(new Uint8Array(data))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seen).toEqual([3, 5, 6]);
  });
});

describe('loadCheckpointTensors from picked files', () => {
  /** The folder's files as a browser's folder picker hands them over (webkitRelativePath "<folder>/<name>"). */
  async function picked(dir: string, skip?: string): Promise<File[]> {
    const names = (await readdir(dir)).filter((n) => n !== skip);
    return Promise.all(
      names.map(async (n) => {
        const file = new File([await readFile(path.join(dir, n))], n);
        Object.defineProperty(file, 'webkitRelativePath', { value: `my-model/${n}` });
        return file;
      }),
    );
  }

  it('reads a folder the user picked exactly like the same folder on disk', async () => {
    const dir = await writeCheckpoint('picked');
    expect(await loadValues(filesSource(await picked(dir)))).toEqual(await loadValues(fsSource(dir)));
  });

  it('names a missing shard and lists what was picked', async () => {
    const dir = await writeCheckpoint('picked-missing');
    const shard = (await readdir(dir)).filter((n) => n !== 'weights_manifest.json').sort()[1] ?? '';
    expect(shard).not.toBe('');
    const err = await loadValues(filesSource(await picked(dir, shard), 'my-model')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect(String(err)).toContain(`my-model has no "${shard}"`);
    expect(String(err)).toContain('weights_manifest.json');
  });
});

describe('float32ToFloat16Bits', () => {
  it('encodes known values', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(0)).toBe(0);
  });
});
