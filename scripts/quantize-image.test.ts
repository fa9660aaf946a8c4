import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardSummarySchema } from '../lib/image/card';
import { runScript } from './testing/cli';

const cli = (script: string, args: string[]) => runScript(script, args, 120_000);

const weightBytes = async (dir: string): Promise<number> =>
  (await stat(path.join(dir, 'encoder', 'weights.bin'))).size + (await stat(path.join(dir, 'decoder', 'weights.bin'))).size;

describe('quantize:image', () => {
  it('stores a trained model as float16 at half the size, re-measures it and keeps the float32 numbers in its card', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'quantize-image-'));
    try {
      const out = path.join(dir, 'dense-ae');
      const trained = await cli('scripts/train-image.ts', ['--model', 'dense-ae', '--epochs', '1', '--subset', '300', '--out', out, '--no-manifest']);
      expect(trained.code, trained.stderr.slice(-400)).toBe(0);
      const float32 = cardSummarySchema.parse(JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8')));
      const fullBytes = await weightBytes(out);

      // A target the card claims but float16 cannot show (here: one made up) is refused, and nothing changes.
      const rawBefore = await readFile(path.join(out, 'metrics.json'), 'utf8');
      await writeFile(path.join(out, 'metrics.json'), JSON.stringify({ ...float32, targets: [{ target: 'made up', value: 1, met: true }] }));
      const refused = await cli('scripts/quantize-image.ts', ['--model', out]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/would no longer meet "made up" \(1\.0000\).*nothing was changed/);
      expect(await weightBytes(out)).toBe(fullBytes);
      await writeFile(path.join(out, 'metrics.json'), rawBefore);

      const r = await cli('scripts/quantize-image.ts', ['--model', out]);
      expect(r.code, r.stderr.slice(-400)).toBe(0);
      expect(await weightBytes(out)).toBe(fullBytes / 2);
      const summary = cardSummarySchema.parse(JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8')));
      expect(summary.quantized?.to).toBe('float16');
      expect(summary.quantized?.command).toContain('npm run quantize:image -- --model');
      // The float32 numbers are those train:image measured; the stored model's are measured anew and close to them.
      expect(summary.quantized?.float32.bce).toBeCloseTo(float32.metrics.bce, 6);
      expect(Math.abs(summary.metrics.bce - float32.metrics.bce)).toBeLessThan(0.002);
      const raw = (text: string): unknown => (JSON.parse(text) as { history: unknown }).history;
      expect(raw(await readFile(path.join(out, 'metrics.json'), 'utf8'))).toEqual(raw(rawBefore));
      expect(summary.command).toBe(float32.command);
      const card = await readFile(path.join(out, 'MODEL_CARD.md'), 'utf8');
      expect(card).toContain('float16 weights');
      expect(card).toContain(`BCE ${float32.metrics.bce.toFixed(4)}`);
      const printed = JSON.parse(r.stdout) as { bytes: number; manifest: boolean };
      expect(printed).toMatchObject({ bytes: fullBytes / 2, manifest: false });

      const again = await cli('scripts/quantize-image.ts', ['--model', out]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/already stores its weights as float16/);
      expect(await weightBytes(out)).toBe(fullBytes / 2);

      const missing = await cli('scripts/quantize-image.ts', ['--model', path.join(dir, 'nothing-here')]);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/Cannot read .*metrics\.json .*quantize a folder written by train:image/);
      await writeFile(path.join(out, 'metrics.json'), JSON.stringify({ metrics: { bce: 'low' } }));
      const broken = await cli('scripts/quantize-image.ts', ['--model', out]);
      expect(broken.code).toBe(1);
      expect(broken.stderr).toMatch(/metrics\.json is not what train:image writes/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
