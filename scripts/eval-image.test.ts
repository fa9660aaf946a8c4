import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardSummarySchema } from '../lib/image/card';
import { runScript } from './testing/cli';

const cli = (script: string, args: string[]) => runScript(script, args, 240_000);

describe('train:image --kernels and eval:image for super-resolution', () => {
  it('trains on a mixture of filters, measures every filter (a table on stderr) and rewrites the card with --update-card', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'eval-image-'));
    try {
      const bad = await cli('scripts/train-image.ts', ['--model', 'superres-4x', '--kernels', 'box,lanczos', '--out', path.join(dir, 'x')]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/--kernels takes a comma-separated list of box, point, bilinear, bicubic; got "box,lanczos"/);
      const wrong = await cli('scripts/train-image.ts', ['--model', 'dense-ae', '--kernels', 'box', '--out', path.join(dir, 'y')]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toMatch(/--kernels is for the super-resolution models/);

      const out = path.join(dir, 'superres-4x');
      const trained = await cli('scripts/train-image.ts', [
        '--model',
        'superres-4x',
        '--epochs',
        '1',
        '--subset',
        '200',
        '--kernels',
        'box,point',
        '--out',
        out,
        '--no-manifest',
      ]);
      expect(trained.code, trained.stderr.slice(-400)).toBe(0);
      const summary = cardSummarySchema.parse(JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8')));
      expect(summary.downsampleKernels).toEqual(['box', 'point']);
      expect(summary.metrics.perKernel?.map((k) => k.kernel)).toEqual(['box', 'point', 'bilinear', 'bicubic']);
      // One target per filter (beat plain enlarging) besides the (+1 dB over bicubic, box).
      expect(summary.targets.map((t) => t.target.replace(/.*made with the (\w+) filter/, '$1'))).toEqual([
        'PSNR gain over bicubic upsampling ≥ 1 dB',
        'box',
        'point',
        'bilinear',
        'bicubic',
      ]);
      expect(await readFile(path.join(out, 'MODEL_CARD.md'), 'utf8')).toContain('made with a filter drawn per digit from: box, point');

      const evaluated = await cli('scripts/eval-image.ts', ['--model', out]);
      expect(evaluated.code, evaluated.stderr.slice(-400)).toBe(0);
      const json = JSON.parse(evaluated.stdout) as { psnr: number; perKernel: Array<{ kernel: string; psnr: number }> };
      expect(json.perKernel.find((k) => k.kernel === 'box')?.psnr).toBeCloseTo(json.psnr, 3);
      const rows = evaluated.stderr.split('\n').filter((l) => /^(box|point|bilinear|bicubic)\s+\d/.test(l));
      expect(rows).toHaveLength(4);

      const updated = await cli('scripts/eval-image.ts', ['--model', out, '--update-card']);
      expect(updated.code, updated.stderr.slice(-400)).toBe(0);
      expect(updated.stderr).toContain('Updated');
      const card = await readFile(path.join(out, 'MODEL_CARD.md'), 'utf8');
      expect(card).toContain('## Small digits made different ways');
      expect(card).toMatch(/\| point \| \d+\.\d\d \|/);
      const after = cardSummarySchema.parse(JSON.parse(await readFile(path.join(out, 'metrics.json'), 'utf8')));
      expect(after.history).toEqual(summary.history);
      expect(after.metrics.psnr).toBeCloseTo(summary.metrics.psnr, 6);

      const missing = await cli('scripts/eval-image.ts', ['--model', path.join(dir, 'nothing'), '--update-card']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(/Cannot read .*metrics\.json .*--update-card rewrites the card of a folder written by train:image/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 600_000);
});
