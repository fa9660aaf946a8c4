/**
 * A shipped music model's card (MODEL_CARD.md), its accuracy-vs-time plot and its training history,
 * as pure functions of the numbers (the export script gathers them and writes the files).
 */
import * as Plot from '@observablehq/plot';
import { z } from 'zod';
import type { EvaluationReport } from './evaluate';

/** One validation point of a run (older points may lack the greedy accuracy or the time). */
export const historyPointSchema = z
  .object({
    step: z.number().int().nonnegative(),
    seconds: z.number().nonnegative().optional(),
    valAccuracy: z.number(),
    valGreedyAccuracy: z.number().optional(),
    valGreedyEventAccuracy: z.number().optional(),
  })
  .catchall(z.number());
export type HistoryPoint = z.infer<typeof historyPointSchema>;

/** The targets of issue 13 (validation files; refined = K = 50 Adam steps on each code). */
export const MUSIC_TARGETS = {
  melody: { refined: [0.9, 0.75], amortized: [0.7, 0.45] },
  drums: { refined: [0.9, 0.8], amortized: [0.7, 0.6] },
} as const;

/** The validation curves (teacher-forced and, where measured, greedy accuracy) against wall-clock minutes, as an SVG file. */
export function accuracyPlot(history: readonly HistoryPoint[], title: string, document: Document): string {
  const timed = history.filter((h) => h.seconds !== undefined);
  const points = [
    ...timed.map((h) => ({ minutes: (h.seconds ?? 0) / 60, accuracy: h.valAccuracy, step: h.step, curve: 'teacher-forced' })),
    ...timed
      .filter((h) => h.valGreedyAccuracy !== undefined)
      .map((h) => ({ minutes: (h.seconds ?? 0) / 60, accuracy: h.valGreedyAccuracy ?? NaN, step: h.step, curve: 'greedy (all steps)' })),
    ...timed
      .filter((h) => h.valGreedyEventAccuracy !== undefined)
      .map((h) => ({ minutes: (h.seconds ?? 0) / 60, accuracy: h.valGreedyEventAccuracy ?? NaN, step: h.step, curve: 'greedy (event steps)' })),
  ];
  const figure = Plot.plot({
    document,
    width: 640,
    height: 340,
    marginLeft: 50,
    style: { background: 'white', fontSize: '12px' },
    x: { label: 'training time (minutes, wall clock)', grid: true },
    y: { label: 'validation accuracy', grid: true },
    marginRight: 130,
    color: { domain: ['teacher-forced', 'greedy (all steps)', 'greedy (event steps)'], range: ['#3b2f8f', '#0f7b6c', '#c0392b'] },
    title,
    marks: [
      Plot.line(points, { x: 'minutes', y: 'accuracy', stroke: 'curve' }),
      Plot.dot(points, { x: 'minutes', y: 'accuracy', fill: 'curve', r: 2.5 }),
      // Each curve named at its last point (a legend inside the SVG).
      Plot.text(
        ['teacher-forced', 'greedy (all steps)', 'greedy (event steps)'].flatMap((curve) => points.filter((p) => p.curve === curve).slice(-1)),
        { x: 'minutes', y: 'accuracy', text: (d: { curve: string; step: number }) => `${d.curve} (step ${d.step})`, fill: 'curve', textAnchor: 'start', dx: 6 },
      ),
    ],
  });
  const svg = figure.tagName.toLowerCase() === 'svg' ? figure : figure.querySelector('svg');
  if (!svg) throw new Error('Plot made no SVG.');
  svg.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return `<?xml version="1.0" encoding="UTF-8"?>\n${svg.outerHTML}\n`;
}

export interface MusicCardInput {
  id: string;
  title: string;
  kind: 'melody' | 'drums';
  files: { train: number; validation: number; trainWindows: number; validationWindows: number };
  hparams: Record<string, unknown>;
  batchSize: number;
  steps: number;
  bestStep: number;
  minutes: number;
  bytes: number;
  quantization: 'none' | 'float16' | 'uint8';
  command: string;
  /** float32 and shipped (quantized) evaluations; `refined` must be present in the shipped one for the targets. */
  full: EvaluationReport;
  shipped: EvaluationReport;
  history: readonly HistoryPoint[];
  notes?: string;
}

const f = (n: number | undefined, digits = 4): string => (n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits));

/** The targets with the measured values and whether each is met. */
export function musicTargets(kind: 'melody' | 'drums', r: EvaluationReport): { target: string; value: number | undefined; met: boolean }[] {
  const t = MUSIC_TARGETS[kind];
  const refined = r.refined;
  return [
    {
      target: `refined (K = 50) greedy accuracy, all steps ≥ ${t.refined[0]}`,
      value: refined?.greedyAccuracy,
      met: (refined?.greedyAccuracy ?? 0) >= t.refined[0],
    },
    {
      target: `refined (K = 50) greedy accuracy, event steps ≥ ${t.refined[1]}`,
      value: refined?.greedyEventAccuracy,
      met: (refined?.greedyEventAccuracy ?? 0) >= t.refined[1],
    },
    { target: `amortized (encoder's μ) greedy accuracy, all steps ≥ ${t.amortized[0]}`, value: r.greedyAccuracy, met: r.greedyAccuracy >= t.amortized[0] },
    { target: `amortized greedy accuracy, event steps ≥ ${t.amortized[1]}`, value: r.greedyEventAccuracy, met: r.greedyEventAccuracy >= t.amortized[1] },
    { target: 'active latent units ≥ 25%', value: r.activeUnits / r.zDims, met: r.activeUnits / r.zDims >= 0.25 },
  ];
}

/** MODEL_CARD.md for a MusicVAE shipped by export:music. */
export function musicModelCard(c: MusicCardInput): string {
  const hp = c.hparams;
  const r = c.shipped;
  const unit = c.kind === 'melody' ? 'notes' : 'hits';
  const sampling =
    Number(hp.samplingRate ?? 0) > 0
      ? `scheduled sampling (Magenta's inverse sigmoid, rate ${String(hp.samplingRate)}, clock started at step ${String(hp.samplingFrom ?? 0)})`
      : 'no scheduled sampling';
  const refinedRows = (x: EvaluationReport): [string, string, string] => [
    f(x.refined?.greedyAccuracy),
    f(x.refined?.greedyEventAccuracy),
    f(x.refined?.meanDistanceSigma, 1),
  ];
  const [fa, fe, fd] = refinedRows(c.full);
  const [sa, se, sd] = refinedRows(r);
  return [
    `# Model card: ${c.id} — ${c.title}`,
    '',
    `A MusicVAE (flat bidirectional-LSTM encoder, stacked-LSTM categorical decoder) for 2-bar ${c.kind === 'melody' ? 'melodies (90 classes: note-on 21–108, note-off, no event)' : 'drum patterns (9 drum classes, 512 output classes)'}, trained by Latent Lab's own TypeScript/TF.js code and saved in Magenta's checkpoint format (\`config.json\`, \`weights_manifest.json\`, shards): @magenta/music 1.23.1 loads it unchanged (tested in lib/music/magenta-compat.test.ts).`,
    '',
    '## Data, license and credit',
    '',
    c.kind === 'melody'
      ? '- POP909 (Music X Lab, 2020; MIT license): the `MELODY` track (lead vocal line) of songs 001–850, quantized to 16th notes, 2-bar windows with a hop of one bar; windows with fewer than 2 onsets dropped. Training windows are augmented by transposition (±5 semitones, staying in range).'
      : '- Groove MIDI Dataset (Magenta, 2019; CC BY 4.0 — credit: Gillick, Roberts, Engel, Eck, Bamman, "Learning to Groove with Inverse Sequence Transformations", ICML 2019): drums on channel 10 mapped from the Roland TD-11 kit to Magenta\'s 9 classes, 4/4 files only, 2-bar windows with a hop of one bar; windows with fewer than 2 onsets dropped.',
    `- Split by file (no window of a ${c.kind === 'melody' ? 'song' : 'take'} in both): ${c.files.train} training files (${c.files.trainWindows} windows), ${c.files.validation} validation files (${c.files.validationWindows} windows)${c.kind === 'drums' ? " — the dataset's own train/validation split from info.csv (the validation drummers' takes are unseen)" : ' (a fixed hash of the file name puts ~10% in validation)'}.`,
    '',
    '## Model and training',
    '',
    `- Sizes: encoder ${String(hp.encoderUnits)} (bidirectional), decoder ${JSON.stringify(hp.decoderUnits)}, z ${String(hp.zDims)}. Weights: ${(c.bytes / 1e6).toFixed(2)} MB (${c.quantization === 'none' ? 'float32' : `${c.quantization} quantized`}).`,
    `- Recipe (Magenta's): β-VAE, max β ${String(hp.maxBeta)}, β warm-up rate ${String(hp.betaRate)}, free bits ${String(hp.freeBits)}, Adam ${String(hp.learningRate)} decaying ×${String(hp.decayRate)}/step${hp.decayFrom ? ` from step ${String(hp.decayFrom)}` : ''} to ${String(hp.minLearningRate)}, gradient clipping at norm ${String(hp.clipNorm)}, batch ${c.batchSize}, seed ${String(hp.seed)}; ${sampling}. The best checkpoint is chosen by greedy validation accuracy (on 1,024 windows spread over the validation set).`,
    `- Steps: ${c.steps} (the checkpoint shipped is step ${c.bestStep}). Wall time: ${Number.isFinite(c.minutes) ? `${c.minutes.toFixed(0)} minutes` : 'not recorded'} on the WASM backend in Node, over several sittings on a 2-core machine shared with other work (see the curve below: it continues the earlier runs').`,
    "- Why this size: Magenta's mel_2bar_small (encoder 512, decoder 2×256, z 256, batch 512) is out of reach on 2 cores; at encoder 256 / decoder 2×256 / z 128 and batch 64 one step takes ~1.7 s on one idle core (`npm run bench:train`). Continuing the shipped weights was worth more than any change of size the remaining compute could have trained.",
    '',
    'The commands:',
    '',
    '```',
    c.command,
    '```',
    '',
    `## Validation metrics (\`npm run eval:music -- --model models/${c.id} --data <folder> --refine 50 --samples 1000\`)`,
    '',
    '| metric | float32 | shipped |',
    '|---|---|---|',
    `| windows | ${c.full.windows} | ${r.windows} |`,
    `| teacher-forced accuracy | ${f(c.full.teacherForcedAccuracy)} | ${f(r.teacherForcedAccuracy)} |`,
    `| greedy reconstruction accuracy, all steps (encoder's μ) | ${f(c.full.greedyAccuracy)} | ${f(r.greedyAccuracy)} |`,
    `| greedy accuracy on event steps (encoder's μ) | ${f(c.full.greedyEventAccuracy)} | ${f(r.greedyEventAccuracy)} |`,
    `| refined codes (K = 50, ${r.refined?.windows ?? 0} windows spread over the set): greedy accuracy, all steps | ${fa} | ${sa} |`,
    `| refined codes (K = 50): greedy accuracy, event steps | ${fe} | ${se} |`,
    `| refined codes: mean distance from μ (in σ) | ${fd} | ${sd} |`,
    `| mean KL (nats) | ${f(c.full.meanKl, 1)} | ${f(r.meanKl, 1)} |`,
    `| active latent units | ${c.full.activeUnits}/${c.full.zDims} | ${r.activeUnits}/${r.zDims} |`,
    `| ${r.samples.count} samples at T=0.5: ${unit} per window (data) | ${f(c.full.samples.noteDensity, 1)} (${f(c.full.data.noteDensity, 1)}) | ${f(r.samples.noteDensity, 1)} (${f(r.data.noteDensity, 1)}) |`,
    `| samples with over twice the data's ${unit} per window | ${(100 * c.full.samples.overDoubleShare).toFixed(1)}% | ${(100 * r.samples.overDoubleShare).toFixed(1)}% |`,
    ...(c.kind === 'melody'
      ? [
          `| samples at T=0.5: pitch range (data) | ${f(c.full.samples.pitchRange, 1)} (${f(c.full.data.pitchRange, 1)}) | ${f(r.samples.pitchRange, 1)} (${f(r.data.pitchRange, 1)}) |`,
        ]
      : []),
    '',
    `Quantization (${c.quantization}) changed greedy accuracy by ${(100 * (r.greedyAccuracy - c.full.greedyAccuracy)).toFixed(2)} points (limit: 0.5).`,
    '',
    '## Targets',
    '',
    '| target | value | met |',
    '|---|---|---|',
    ...musicTargets(c.kind, r).map((t) => `| ${t.target} | ${f(t.value, 3)} | ${t.met ? 'yes' : 'no'} |`),
    '',
    '## Validation accuracy against training time',
    '',
    '![validation accuracy vs training time](accuracy.svg)',
    '',
    '| step | minutes | teacher-forced | greedy (all steps) | greedy (event steps) |',
    '|---|---|---|---|---|',
    ...c.history.map(
      (h) =>
        `| ${h.step} | ${h.seconds !== undefined ? (h.seconds / 60).toFixed(0) : '—'} | ${f(h.valAccuracy)} | ${f(h.valGreedyAccuracy)} | ${f(h.valGreedyEventAccuracy)} |`,
    ),
    '',
    ...(c.notes ? ['## Where this is heading', '', c.notes, ''] : []),
  ].join('\n');
}
