import { describe, expect, it } from 'vitest';
import { CancelledError, InvalidInputError } from '../../core/errors';
import { liveTensorCount } from '../../core/memory';
import { encodeSet } from './encode';
import { compareReportCsv, compareReportSchema, flattenValue, reportRows, rowsToCsv, sideReportSchema, type CompareReport } from './report';
import { analyseSide, DEFAULT_PANEL_OPTIONS } from './run';
import { SyntheticModel, identity, randomVectors, vectorDomain } from './testing/synthetic';

describe('encodeSet', () => {
  it('reports items encoded out of N, can be cancelled, and refuses non-finite codes', async () => {
    const model = new SyntheticModel({ encoder: identity(3), decoder: identity(3), logVar: [0, 0, 0] });
    const { items, labels } = randomVectors(50, 3, 1);
    const domain = vectorDomain(model, { items, labels, withSigma: true });
    const seen: string[] = [];
    const before = liveTensorCount();
    const set = await encodeSet(model, domain, { batchSize: 16, onProgress: (p) => seen.push(`${p.done}/${p.total}`) });
    expect(seen).toEqual(['0/50', '16/50', '32/50', '48/50', '50/50']);
    expect(set.mean.subarray(3, 6)).toEqual(items[1]);
    expect(set.logVar?.every((v) => v === 0)).toBe(true);
    const controller = new AbortController();
    await expect(
      encodeSet(model, domain, {
        batchSize: 10,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.done >= 20) controller.abort();
        },
      }),
    ).rejects.toBeInstanceOf(CancelledError);
    const broken = vectorDomain(model, { items: [...items.slice(0, 4), Float32Array.from([NaN, 0, 0])], labels: labels.slice(0, 5), withSigma: false });
    await expect(encodeSet(model, broken)).rejects.toThrow(/non-finite code for vector 5/);
    await expect(encodeSet(model, vectorDomain(model, { items: items.slice(0, 2), labels: labels.slice(0, 2), withSigma: false }))).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect(liveTensorCount()).toBe(before);
    model.dispose();
  });
});

describe('encodeSet with item keys', () => {
  it('encodes each distinct item once and gives duplicates the same code', async () => {
    const model = new SyntheticModel({ encoder: identity(2), decoder: identity(2), logVar: [0, 0] });
    const base = [Float32Array.from([1, 2]), Float32Array.from([3, 4]), Float32Array.from([5, 6])];
    const items = [base[0], base[1], base[0], base[2], base[1], base[0]] as Float32Array[];
    const domain = vectorDomain(model, { items, labels: items.map(() => 'x'), withSigma: true });
    const encoded: number[] = [];
    const keyed = {
      ...domain,
      itemKey: (i: number) => (items[i] ?? []).join(','),
      inputTensor: (indices: readonly number[]) => {
        encoded.push(...indices);
        return domain.inputTensor(indices);
      },
    };
    const progress: number[] = [];
    const set = await encodeSet(model, keyed, { batchSize: 2, onProgress: (p) => progress.push(p.done) });
    expect(encoded).toEqual([0, 1, 3]);
    expect(Array.from(set.mean)).toEqual([1, 2, 3, 4, 1, 2, 5, 6, 3, 4, 1, 2]);
    expect(set.logVar).toHaveLength(12);
    expect(progress).toEqual([0, 5, 6]);
    model.dispose();
  });
});

describe('analyseSide', () => {
  it('runs every panel, leaves no tensors, and writes a report named after the panels', async () => {
    const model = new SyntheticModel({ encoder: identity(4), decoder: identity(4), logVar: [-1, -1, -1, -1] });
    const { items, labels } = randomVectors(80, 4, 2);
    const domain = vectorDomain(model, { items, labels, withSigma: true });
    const before = liveTensorCount();
    const phases = new Set<string>();
    const result = await analyseSide(
      'image',
      model,
      domain,
      { name: 'synthetic', description: 'a linear test model' },
      { ...DEFAULT_PANEL_OPTIONS, pairs: 4, priorDraws: 200, decodedDraws: 8 },
      { onProgress: (p) => phases.add(p.phase) },
    );
    expect(liveTensorCount()).toBe(before);
    expect([...phases]).toEqual(['encode', 'map', 'umap', 'paths', 'holes', 'attributes']);
    const report = sideReportSchema.parse(result.report);
    expect(report.units?.active).toBe(4);
    expect(report.paths?.smoothness.lerp.mean).toBeCloseTo(0.1, 5);
    expect(Object.keys(report.seconds)).toEqual(['encode', 'map', 'units', 'paths', 'holes', 'attributes', 'total']);
    const whole: CompareReport = {
      format: 'latent-lab-compare',
      version: 2,
      createdAt: new Date(0).toISOString(),
      seed: 1,
      backend: 'test',
      sides: [report],
    };
    expect(() => compareReportSchema.parse(JSON.parse(JSON.stringify(whole)))).not.toThrow();
    const csv = compareReportCsv(whole);
    expect(csv.split('\n')[0]).toBe('side,field,value');
    expect(csv).toMatch(/^image,units\.active,4$/m);
    expect(csv).toMatch(/^image,units\.kl\[3\],[0-9.e-]+$/m);
    expect(csv).toMatch(/^image,holes\.share,[0-9.e-]+$/m);
    expect(csv).toMatch(/^image,paths\.smoothness\.lerp\.mean,0\.1/m);
    expect(reportRows(report, 'units').every((r) => r.field.startsWith('units.'))).toBe(true);
    model.dispose();
  });

  it('flattens values and quotes CSV cells', () => {
    expect(flattenValue({ a: [1, { b: null }], c: 'x' }, '')).toEqual([
      { field: 'a[0]', value: 1 },
      { field: 'a[1].b', value: null },
      { field: 'c', value: 'x' },
    ]);
    expect(rowsToCsv([{ side: 'music', field: 'data.name', value: 'songs, "pop"' }])).toBe('side,field,value\nmusic,data.name,"songs, ""pop"""\n');
  });
});
