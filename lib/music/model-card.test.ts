import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { EvaluationReport } from './evaluate';
import { accuracyPlot, musicModelCard, musicTargets, type HistoryPoint } from './model-card';

const report = (greedy: number, refined: number): EvaluationReport => ({
  windows: 100,
  teacherForcedAccuracy: 0.8,
  greedyAccuracy: greedy,
  greedyEventAccuracy: greedy - 0.2,
  meanKl: 38,
  activeUnits: 120,
  zDims: 128,
  samples: { noteDensity: 10, pitchRange: 9, count: 1000, overDoubleShare: 0.012 },
  data: { noteDensity: 10.5, pitchRange: 8.7 },
  refined: { steps: 50, windows: 512, greedyAccuracy: refined, greedyEventAccuracy: refined - 0.1, meanDistanceSigma: 30 },
});

describe('music model cards', () => {
  it('judge the targets from the numbers', () => {
    const met = musicTargets('melody', report(0.72, 0.91));
    expect(met.map((t) => t.met)).toEqual([true, true, true, true, true]);
    const missed = musicTargets('drums', report(0.72, 0.85));
    expect(missed[0]).toMatchObject({ met: false, value: 0.85 });
    expect(missed[1]?.met).toBe(false); // 0.75 < 0.80
  });

  it('write the card with refined metrics, targets and the whole history; the plot has both curves', () => {
    const history: HistoryPoint[] = [
      { step: 300, seconds: 1920, valAccuracy: 0.58 },
      { step: 2000, seconds: 9000, valAccuracy: 0.74, valGreedyAccuracy: 0.63, valGreedyEventAccuracy: 0.35 },
    ];
    const card = musicModelCard({
      id: 'mel_2bar',
      title: '2-bar melodies',
      kind: 'melody',
      files: { train: 762, validation: 88, trainWindows: 48940, validationWindows: 5707 },
      hparams: { encoderUnits: 256, decoderUnits: [256, 256], zDims: 128, samplingRate: 250, samplingFrom: 1600 },
      batchSize: 64,
      steps: 2100,
      bestStep: 2000,
      minutes: 150,
      bytes: 4e6,
      quantization: 'float16',
      command: 'npm run train:music -- …',
      full: report(0.64, 0.86),
      shipped: report(0.64, 0.86),
      history,
    });
    expect(card).toMatch(/refined codes \(K = 50, 512 windows spread over the set\): greedy accuracy, all steps \| 0\.8600 \| 0\.8600/);
    expect(card).toMatch(/rate 250, clock started at step 1600/);
    expect(card).toMatch(/\| 300 \| 32 \| 0\.5800 \| — \| — \|/);
    expect(card).toMatch(/\| refined \(K = 50\) greedy accuracy, all steps ≥ 0\.9 \| 0\.860 \| no \|/);
    expect(card).toMatch(/over twice the data's notes per window \| 1\.2% \| 1\.2%/);
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    const svg = accuracyPlot(history, 'curves', document);
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toContain('greedy (all steps) (step 2000)');
    expect(svg).toContain('teacher-forced (step 2000)');
  });
});
