/**
 * The timbre model's report card on notes it never trained on (issue 23's targets):
 * - reconstruction: median multi-scale spectral distance of the decodes, against a "no timbre" sine
 *   (target ≤ 0.40 of its median) and PCA with as many numbers as the code (target ≤ 0.8 of its);
 * - pitch: the decode's pitch within 50 cents of the input's (target ≥ 95% of notes);
 * - latent: the family predicted from z by k nearest neighbours among the training notes' codes
 *   (target ≥ 0.60), and midpoints whose brightness lies between the two ends' (target ≥ 90%).
 */
import { createRng } from '../core/random';
import { pcaBaselineAudio, fitPca, pcaFeatures, sineBaseline, type PcaModel } from './baselines';
import type { DatasetNote, Split } from './dataset';
import { noteAudio, noteFeatureView, type TimbreDataset } from './dataset-node';
import { spectralCentroid } from './dsp';
import { TIMBRE_FAMILIES } from './gm';
import { estimatePitch } from './pitch';
import { multiScaleDistance } from './spectral-loss';
import { midiToHz } from './spec';
import type { NoteInput, TimbreModel } from './timbre-model';
import { spread } from './train-run';

/** Issue 23's targets. */
export const TIMBRE_TARGETS = {
  /** Median distance ≤ this × the sine baseline's median. */
  vsSine: 0.4,
  /** Median distance ≤ this × PCA's median. */
  vsPca: 0.8,
  /** Share of notes whose decode is within 50 cents of the input's pitch. */
  pitchWithin50Cents: 0.95,
  /** k-NN family accuracy from z. */
  familyKnn: 0.6,
  /** Share of pairs whose midpoint's spectral centroid lies between the ends'. */
  midpointBetween: 0.9,
} as const;

export interface TimbreEvalOptions {
  split: Split;
  /** At most this many notes of the split (evenly spread); default all. */
  maxNotes?: number;
  /** Notes that get the PCA baseline (Griffin-Lim is slow); default 200. */
  pcaNotes?: number;
  /** Training notes used as k-NN neighbours and PCA data; default 2000 (neighbours), all at a pitch (PCA). */
  neighbourNotes?: number;
  k?: number;
  pairs?: number;
  griffinLimIterations?: number;
  /**
   * Also reconstruct from refined codes (the lab's "Refine the sounds' codes": this many Adam steps
   * on each code against the spectral distance, early-stopping), reported beside the decodes from μ.
   */
  refineSteps?: number;
  seed?: number;
  onProgress?: (message: string) => void;
}

export interface TimbreEvalReport {
  split: Split;
  notes: number;
  programs: number;
  reconstruction: {
    medianModel: number;
    medianSine: number;
    ratioToSine: number;
    pcaNotes: number;
    medianModelOnPcaNotes: number;
    medianPca: number;
    ratioToPca: number;
    pcaComponents: number;
    /** With `refineSteps`: the same measures from refined codes. */
    refined?: { steps: number; medianModel: number; ratioToSine: number; medianModelOnPcaNotes: number; ratioToPca: number; medianStepsUsed: number };
  };
  pitch: { evaluated: number; within50Cents: number; medianCents: number };
  family: {
    k: number;
    accuracy: number;
    chance: number;
    neighbours: number;
    /** k-NN among the split's own notes, leaving out the query's program (NaN when a family has one program in the split). */
    leaveOneProgramOut: number;
    /** The model's own family classifier on z (when it has one). */
    classifierAccuracy?: number;
    confusedMost: string[];
  };
  midpoint: {
    pairs: number;
    between: number;
    /**
     * The same share split by how far apart the ends' centroids are ((high − low) ÷ their mean):
     * pairs of nearly equally bright sounds leave the midpoint a narrow interval to land in.
     */
    byEndsGap: { gap: string; pairs: number; between: number; slerpBetween: number }[];
    /** Of the misses (straight-line midpoints), the share darker than both ends (the rest are brighter than both). */
    missesDarker: number;
    /**
     * The same pairs with the midpoint walked along the sphere (slerp, the timbre lab's default
     * interpolation): a straight line's midpoint is shorter than the ends, nearer the prior's
     * centre, where the decoder's "average" sound lies.
     */
    slerpBetween: number;
    slerpMissesDarker: number;
  };
  perFamily: Record<string, { notes: number; medianModel: number; medianSine: number; knn: number }>;
}

function median(values: readonly number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? NaN) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
}

/** A dataset note as the model takes it: its audio, its measured conditions and its cached features. */
function noteInput(data: TimbreDataset, n: DatasetNote): Required<NoteInput> {
  return { samples: noteAudio(data, n), conditions: { f0Hz: n.f0Hz, loudnessDb: n.loudnessDb }, features: noteFeatureView(data, n) };
}

/** μ of dataset notes (cached features and conditions), in chunks. */
export async function encodeDatasetNotes(model: TimbreModel, data: TimbreDataset, notes: readonly DatasetNote[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < notes.length; i += 64) {
    const chunk = notes.slice(i, i + 64);
    const { z } = await model.encodeNotes(chunk.map((n) => noteInput(data, n)));
    out.push(...z);
  }
  return out;
}

function distance2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return s;
}

/** The majority label of the k nearest references (ties: the label of the nearest among the tied). */
export function knnPredict(
  query: ArrayLike<number>,
  refs: readonly ArrayLike<number>[],
  labels: readonly string[],
  k: number,
  exclude?: (i: number) => boolean,
): string {
  const nearest: { d: number; label: string }[] = [];
  refs.forEach((r, i) => {
    if (exclude?.(i)) return;
    const d = distance2(query, r);
    if (nearest.length < k || d < (nearest[nearest.length - 1]?.d ?? Infinity)) {
      nearest.push({ d, label: labels[i] ?? '' });
      nearest.sort((a, b) => a.d - b.d);
      if (nearest.length > k) nearest.pop();
    }
  });
  const votes = new Map<string, number>();
  for (const n of nearest) votes.set(n.label, (votes.get(n.label) ?? 0) + 1);
  const top = Math.max(...votes.values());
  return nearest.find((n) => votes.get(n.label) === top)?.label ?? '';
}

/** `part ÷ whole`, or NaN when there is no whole. */
const share = (part: number, whole: number): number => (whole > 0 ? part / whole : NaN);

/** Bins of the ends' relative centroid gap in the midpoint report. */
const MIDPOINT_GAP_BINS: readonly [number, number][] = [
  [0, 0.1],
  [0.1, 0.2],
  [0.2, Infinity],
];

/** Runs every measure on a split of the dataset (see the file comment). */
export async function evaluateTimbre(model: TimbreModel, data: TimbreDataset, options: TimbreEvalOptions): Promise<TimbreEvalReport> {
  const log = options.onProgress ?? ((): void => undefined);
  const notes = spread(
    data.index.notes.filter((n) => n.split === options.split),
    options.maxNotes ?? Infinity,
  );
  const train = data.index.notes.filter((n) => n.split === 'train');
  log(`encoding ${notes.length} ${options.split} notes`);
  const codes = await encodeDatasetNotes(model, data, notes);
  // Reconstructions at each note's own conditions, and the sine baseline.
  const dModel: number[] = [];
  const dSine: number[] = [];
  const cents: number[] = [];
  for (let i = 0; i < notes.length; i += 64) {
    const chunk = notes.slice(i, i + 64);
    const decoded = await model.decodeNotes(
      codes.slice(i, i + 64),
      chunk.map((n) => ({ f0Hz: n.f0Hz, loudnessDb: n.loudnessDb })),
    );
    decoded.forEach((y, j) => {
      const n = chunk[j] as DatasetNote;
      const x = noteAudio(data, n);
      dModel.push(multiScaleDistance(y, x));
      dSine.push(multiScaleDistance(sineBaseline(x, n.f0Hz), x));
      const pin = estimatePitch(x);
      const pout = estimatePitch(y);
      cents.push(pin && pout ? Math.abs(pin.midi - pout.midi) * 100 : NaN);
    });
    log(`reconstructed ${Math.min(notes.length, i + 64)}/${notes.length}`);
  }
  // Refined codes: the decoder kept, each code nudged toward its note (see lib/latent/refine.ts).
  const dRefined: number[] = [];
  const stepsUsed: number[] = [];
  if (options.refineSteps) {
    for (let i = 0; i < notes.length; i += 16) {
      const inputs = notes.slice(i, i + 16).map((n) => noteInput(data, n));
      const { z, refinements } = await model.encodeNotes(inputs, { refine: { steps: options.refineSteps } });
      const decoded = await model.decodeNotes(
        z,
        inputs.map((x) => x.conditions),
      );
      decoded.forEach((y, j) => dRefined.push(multiScaleDistance(y, (inputs[j] as Required<NoteInput>).samples)));
      stepsUsed.push(...(refinements ?? []).map((r) => r.steps));
      log(`refined ${Math.min(notes.length, i + 16)}/${notes.length}`);
    }
  }
  // PCA per pitch, with as many components as the code has numbers, on a spread of the notes.
  const pcaSet = spread(
    notes.map((n, i) => ({ n, i })),
    options.pcaNotes ?? 200,
  );
  const pcaByPitch = new Map<number, PcaModel>();
  const dPca: number[] = [];
  const dModelOnPca: number[] = [];
  const dRefinedOnPca: number[] = [];
  for (const { n, i } of pcaSet) {
    let pca = pcaByPitch.get(n.pitch);
    if (!pca) {
      const rows = train.filter((t) => t.pitch === n.pitch).map((t) => pcaFeatures(noteAudio(data, t)));
      pca = await fitPca(rows, Math.min(model.zDims, rows.length - 1));
      pcaByPitch.set(n.pitch, pca);
      log(`PCA at pitch ${n.pitch}: ${rows.length} training notes`);
    }
    const x = noteAudio(data, n);
    dPca.push(multiScaleDistance(pcaBaselineAudio(pca, x, options.griffinLimIterations ?? 64), x));
    dModelOnPca.push(dModel[i] ?? NaN);
    dRefinedOnPca.push(dRefined[i] ?? NaN);
  }
  // Family by k-NN among training codes; and leave-one-program-out within the split.
  const k = options.k ?? 5;
  const refs = spread(train, options.neighbourNotes ?? 2000);
  log(`encoding ${refs.length} training notes as neighbours`);
  const refCodes = await encodeDatasetNotes(model, data, refs);
  const refLabels = refs.map((n) => n.family as string);
  const predicted = codes.map((z) => knnPredict(z, refCodes, refLabels, k));
  const correct = predicted.map((p, i) => p === notes[i]?.family);
  const programsPerFamily = new Map<string, Set<number>>();
  for (const n of notes) programsPerFamily.set(n.family, (programsPerFamily.get(n.family) ?? new Set()).add(n.program));
  const looPossible = [...programsPerFamily.values()].every((p) => p.size >= 2);
  const loo = looPossible
    ? codes.map((z, i) =>
        knnPredict(
          z,
          codes,
          notes.map((n) => n.family),
          k,
          (j) => notes[j]?.program === notes[i]?.program,
        ),
      )
    : [];
  const classified = model.hasFamilyClassifier ? await model.predictFamilies(codes) : undefined;
  const confusion = new Map<string, number>();
  predicted.forEach((p, i) => {
    if (p !== notes[i]?.family) confusion.set(`${notes[i]?.family} → ${p}`, (confusion.get(`${notes[i]?.family} → ${p}`) ?? 0) + 1);
  });
  // Midpoints: pairs of notes of different programs at the same key and velocity.
  const rng = createRng(options.seed ?? 1);
  let pairs = 0;
  // Per path (straight line, great circle): midpoints between the ends' brightness, and darker than both.
  const along = { lerp: { between: 0, darker: 0 }, slerp: { between: 0, darker: 0 } };
  const gapBins = MIDPOINT_GAP_BINS.map(([low, high]) => ({ low, high, pairs: 0, between: 0, slerpBetween: 0 }));
  const groups = new Map<string, number[]>();
  notes.forEach((n, i) => groups.set(`${n.pitch}/${n.velocity}`, [...(groups.get(`${n.pitch}/${n.velocity}`) ?? []), i]));
  const keys = [...groups.keys()].filter((g) => (groups.get(g)?.length ?? 0) >= 2);
  const wanted = options.pairs ?? 300;
  for (let attempt = 0; pairs < wanted && attempt < wanted * 10 && keys.length > 0; attempt++) {
    const members = groups.get(keys[rng.int(keys.length)] ?? '') ?? [];
    const a = members[rng.int(members.length)] ?? 0;
    const b = members[rng.int(members.length)] ?? 0;
    const na = notes[a] as DatasetNote;
    const nb = notes[b] as DatasetNote;
    if (na.program === nb.program) continue;
    const za = codes[a] as Float32Array;
    const zb = codes[b] as Float32Array;
    const mid = Float32Array.from(za, (v, j) => (v + (zb[j] ?? 0)) / 2);
    const slerpMid = (await model.interpolateCodes(za, zb, 3, 'slerp'))[1] as Float32Array;
    const cond = { f0Hz: midiToHz(na.pitch), loudnessDb: (na.loudnessDb + nb.loudnessDb) / 2 };
    const [ya, ym, ys, yb] = await model.decodeNotes([za, mid, slerpMid, zb], [cond, cond, cond, cond]);
    const [ca, cm, cs, cb] = [ya, ym, ys, yb].map((y) => spectralCentroid(y as Float32Array)) as [number, number, number, number];
    const [low, high] = [Math.min(ca, cb), Math.max(ca, cb)];
    const inside = cm >= low && cm <= high;
    const slerpInside = cs >= low && cs <= high;
    pairs++;
    for (const [path, c, isBetween] of [
      ['lerp', cm, inside],
      ['slerp', cs, slerpInside],
    ] as const) {
      if (isBetween) along[path].between++;
      else if (c < low) along[path].darker++;
    }
    const bin = gapBins.find((g) => (high - low) / ((high + low) / 2 || 1) < g.high);
    if (bin) {
      bin.pairs++;
      if (inside) bin.between++;
      if (slerpInside) bin.slerpBetween++;
    }
  }
  const perFamily: TimbreEvalReport['perFamily'] = {};
  for (const family of TIMBRE_FAMILIES) {
    const idx = notes.map((n, i) => (n.family === family ? i : -1)).filter((i) => i >= 0);
    if (idx.length === 0) continue;
    perFamily[family] = {
      notes: idx.length,
      medianModel: median(idx.map((i) => dModel[i] ?? NaN)),
      medianSine: median(idx.map((i) => dSine[i] ?? NaN)),
      knn: idx.filter((i) => correct[i]).length / idx.length,
    };
  }
  const evaluatedCents = cents.filter(Number.isFinite);
  const medianModel = median(dModel);
  const medianSine = median(dSine);
  const medianPca = median(dPca);
  const medianModelOnPca = median(dModelOnPca);
  return {
    split: options.split,
    notes: notes.length,
    programs: new Set(notes.map((n) => n.program)).size,
    reconstruction: {
      medianModel,
      medianSine,
      ratioToSine: medianModel / medianSine,
      pcaNotes: dPca.length,
      medianModelOnPcaNotes: medianModelOnPca,
      medianPca,
      ratioToPca: medianModelOnPca / medianPca,
      pcaComponents: model.zDims,
      ...(options.refineSteps
        ? {
            refined: {
              steps: options.refineSteps,
              medianModel: median(dRefined),
              ratioToSine: median(dRefined) / medianSine,
              medianModelOnPcaNotes: median(dRefinedOnPca),
              ratioToPca: median(dRefinedOnPca) / medianPca,
              medianStepsUsed: median(stepsUsed),
            },
          }
        : {}),
    },
    pitch: {
      evaluated: evaluatedCents.length,
      within50Cents: evaluatedCents.filter((c) => c <= 50).length / Math.max(1, evaluatedCents.length),
      medianCents: median(evaluatedCents),
    },
    family: {
      k,
      accuracy: correct.filter(Boolean).length / Math.max(1, correct.length),
      chance: 1 / new Set(refLabels).size,
      neighbours: refs.length,
      leaveOneProgramOut: looPossible ? loo.filter((p, i) => p === notes[i]?.family).length / Math.max(1, loo.length) : NaN,
      ...(classified ? { classifierAccuracy: classified.filter((c, i) => c.family === notes[i]?.family).length / Math.max(1, notes.length) } : {}),
      confusedMost: [...confusion]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5)
        .map(([what, count]) => `${what} (${count})`),
    },
    midpoint: {
      pairs,
      between: share(along.lerp.between, pairs),
      byEndsGap: gapBins.map((g) => ({
        gap: g.low === 0 ? `< ${g.high}` : g.high === Infinity ? `≥ ${g.low}` : `${g.low}–${g.high}`,
        pairs: g.pairs,
        between: share(g.between, g.pairs),
        slerpBetween: share(g.slerpBetween, g.pairs),
      })),
      missesDarker: share(along.lerp.darker, pairs - along.lerp.between),
      slerpBetween: share(along.slerp.between, pairs),
      slerpMissesDarker: share(along.slerp.darker, pairs - along.slerp.between),
    },
    perFamily,
  };
}
