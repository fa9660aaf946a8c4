/**
 * Refined codes, written once for every model (see {@link RefineOptions} in lib/core/latent-model).
 *
 * In a learner's words: the encoder is one network that guesses a code for *any* input in a single
 * pass, so for a particular melody or digit its guess μ is close but not the best code the decoder
 * could use. Here we keep the decoder fixed and nudge the code itself, step by step downhill on "how
 * badly does the decoder rebuild this input from this code", starting at μ. Each item of the batch
 * moves on its own (the loss is a sum over items, and Adam works per number), so refining A and B
 * together gives the same codes as refining each alone.
 */
import * as tf from '@tensorflow/tfjs';
import { CancelledError, InvalidInputError } from '../core/errors';
import { MAX_REFINE_STEPS, type RefinementReport, type RefineOptions } from '../core/latent-model';

/**
 * What a model gives to be refined: its encoder's μ and σ (`[B, Z]`, owned by the problem) and the
 * per-item reconstruction loss of the input as a function of codes (`[B, Z]` → `[B]`), which must be
 * differentiable in z and allocate only inside the tidy scope it is called in.
 */
export interface RefinementProblem {
  mu: tf.Tensor2D;
  /** σ of the encoder (ones for plain autoencoders). */
  sigma: tf.Tensor2D;
  loss: (z: tf.Tensor2D) => tf.Tensor1D;
  /**
   * Optional: the same loss and, from the same forward pass, per item how many of its parts the model
   * gets right given the true ones (music: teacher-forced argmax steps). Reaching
   * {@link perfectScore} this way means the greedy decode is exact, so early stopping can check it at
   * every step for free instead of decoding.
   */
  lossDetail?: (z: tf.Tensor2D) => { loss: tf.Tensor1D; correct: tf.Tensor1D };
  /**
   * Optional per-item quality of a code, higher is better (music: how many steps a greedy decode
   * gets right). When given, the code kept per item is the best-scoring one among its candidates
   * (ties go to the lower loss) — the loss is what the steps lower, the score is what the user sees.
   * The candidates: μ, every {@link SCORE_EVERY}-th step and the last; or, when the problem has
   * {@link lossDetail}, the step the forward pass counted most right (ties: lower loss), the last and
   * μ — the first found for free at every step, so the three are scored in one call at the end
   * instead of one call every few steps. Candidates are scored stacked: row r of `z` is a code for
   * item r mod batch.
   */
  score?: (z: tf.Tensor2D) => Promise<ArrayLike<number>>;
  /**
   * Optional, with `score`: each item's score when its decode rebuilds it exactly (music: its number
   * of steps). An item that reaches it stops refining (see {@link RefineOptions.earlyStop}).
   */
  perfectScore?: ArrayLike<number>;
  /** Optional: the model's own defaults for options the caller leaves out (else {@link PLAIN_REFINE}). */
  defaults?: { learningRate?: number; scaleBySigma?: boolean };
  /** Frees μ, σ and anything the loss closes over. */
  dispose: () => void;
}

/** Plain Adam at 0.3, steps not scaled by σ: the default of models that name none (and MusicVAE's recipe before 7 December 2026). */
export const PLAIN_REFINE = { learningRate: 0.3, scaleBySigma: false } as const;

/** Checks refine options and fills the defaults (the model's, then {@link PLAIN_REFINE}); throws {@link InvalidInputError} with the fix. */
export function checkRefineOptions(
  options: RefineOptions,
  defaults: RefinementProblem['defaults'] = {},
): Required<Pick<RefineOptions, 'steps' | 'learningRate' | 'priorWeight' | 'scaleBySigma'>> {
  const { steps } = options;
  const learningRate = options.learningRate ?? defaults.learningRate ?? PLAIN_REFINE.learningRate;
  const scaleBySigma = options.scaleBySigma ?? defaults.scaleBySigma ?? PLAIN_REFINE.scaleBySigma;
  const priorWeight = options.priorWeight ?? 0;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_REFINE_STEPS) {
    throw new InvalidInputError(
      `Refinement needs a whole number of steps from 1 to ${MAX_REFINE_STEPS}; got ${String(steps)}. Use 0 steps by not refining at all.`,
    );
  }
  if (!Number.isFinite(learningRate) || learningRate <= 0 || learningRate > 10) {
    throw new InvalidInputError(`The refinement learning rate must be a number above 0 and at most 10; got ${String(learningRate)}. 0.3 works well.`);
  }
  if (!Number.isFinite(priorWeight) || priorWeight < 0 || priorWeight > 1000) {
    throw new InvalidInputError(`The refinement prior weight must be a number from 0 to 1000; got ${String(priorWeight)}.`);
  }
  return { steps, learningRate, priorWeight, scaleBySigma };
}

/** Lets queued messages (e.g. a cancel request in a worker) run: a macrotask, without setTimeout's 4 ms clamp. */
function yieldToEventLoop(): Promise<void> {
  const g = globalThis as { setImmediate?: (f: () => void) => void };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    return new Promise((resolve) => setImmediate(resolve));
  }
  if (typeof MessageChannel !== 'undefined') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };

/** `into` with the rows where `take` is true replaced by those of `from` (same shape); `into` is disposed. */
function replaceRows(into: tf.Tensor2D, from: tf.Tensor2D, take: readonly boolean[]): tf.Tensor2D {
  const mask = tf.tensor2d(
    take.map((b) => (b ? 1 : 0)),
    [take.length, 1],
    'bool',
  );
  const next = tf.tidy(() => tf.where(tf.tile(mask, [1, from.shape[1]]), from, into)) as tf.Tensor2D;
  mask.dispose();
  into.dispose();
  return next;
}

/** With a score, candidates are μ, every this many steps, and the last step; early stopping checks at the same steps. */
export const SCORE_EVERY = 5;
/** An item whose loss has not dropped by {@link PLATEAU_GAIN} of its best in this many steps has stopped improving. */
export const PLATEAU_STEPS = 15;
export const PLATEAU_GAIN = 0.002;

/**
 * Runs Adam on the codes of a {@link RefinementProblem} from μ and returns, per item, the best code
 * seen (μ included, so refining never makes an item worse by its own measure) and a report. With a
 * score, "best" is the highest score among μ, every {@link SCORE_EVERY}-th step and the last (ties
 * to the lower loss); without, the lowest loss. Each item stops early (unless `earlyStop` is false)
 * once its decode rebuilds it exactly or its loss stops improving; the rest go on, and the loop ends
 * when every item has stopped. The returned tensor belongs to the caller; the problem is not
 * disposed here.
 *
 * @throws {InvalidInputError} for bad options; {@link CancelledError} when `options.signal` fires
 *   (nothing is returned and no tensor is left behind).
 */
export async function refineCodesTensor(problem: RefinementProblem, options: RefineOptions): Promise<{ z: tf.Tensor2D; reports: RefinementReport[] }> {
  const { steps, learningRate, priorWeight, scaleBySigma } = checkRefineOptions(options, problem.defaults);
  const earlyStop = options.earlyStop ?? true;
  const { mu, sigma } = problem;
  const batch = mu.shape[0];
  const invSigma = tf.tidy(() => tf.div(1, tf.maximum(sigma, 1e-6)));
  // Per number, the learning rate times σ over the item's mean σ (or 1): Adam's steps are then
  // measured in the encoder's own uncertainty, so the code moves most where the encoder is least sure.
  const stepScale = tf.tidy(() =>
    scaleBySigma ? tf.mul(tf.div(sigma, tf.maximum(tf.mean(sigma, 1, true), 1e-6)), learningRate) : tf.fill(sigma.shape, learningRate),
  );
  // The objective per item: reconstruction + ½·priorWeight·Σ((z − μ)/σ)²; its sum drives Adam.
  const objective = (z: tf.Tensor2D): { total: tf.Scalar; perItem: tf.Tensor1D; recon: tf.Tensor1D; correct?: tf.Tensor1D } => {
    const detail = problem.lossDetail?.(z);
    const recon = detail ? detail.loss : problem.loss(z);
    const perItem = priorWeight > 0 ? (tf.add(recon, tf.mul(0.5 * priorWeight, tf.sum(tf.square(tf.mul(tf.sub(z, mu), invSigma)), 1))) as tf.Tensor1D) : recon;
    return { total: tf.sum(perItem), perItem, recon, ...(detail ? { correct: detail.correct } : {}) };
  };
  let z = tf.clone(mu);
  let m = tf.zerosLike(mu);
  let v = tf.zerosLike(mu);
  let best = tf.clone(mu);
  let returned = false;
  const bestObjective = new Float32Array(batch).fill(Infinity);
  const bestRecon = new Float32Array(batch).fill(Infinity);
  const bestScore = new Float64Array(batch).fill(-Infinity);
  const firstRecon = new Float32Array(batch);
  const firstObjective = new Float32Array(batch);
  /** Per item: still refining, the steps it took, why it stopped, and (for the plateau test) when its loss last improved. */
  const active = new Array<boolean>(batch).fill(true);
  const used = new Array<number>(batch).fill(steps);
  const stopped = new Array<RefinementReport['stopped']>(batch).fill('steps');
  const lowest = new Float32Array(batch).fill(Infinity);
  const improvedAt = new Array<number>(batch).fill(0);
  /** Makes `at` each item's best where it beats the best so far (by score when given, else by objective). */
  const consider = (obj: ArrayLike<number>, rec: ArrayLike<number>, at: tf.Tensor2D, scores: ArrayLike<number> | undefined, only: readonly boolean[]): void => {
    const better = Array.from({ length: batch }, (_, i) => {
      if (!only[i]) return false;
      const lower = (obj[i] ?? Infinity) < (bestObjective[i] ?? Infinity);
      const [s, b] = [scores?.[i] ?? 0, bestScore[i] ?? -Infinity];
      return scores ? s > b || (s === b && lower) : lower;
    });
    better.forEach((b, i) => {
      if (!b) return;
      bestObjective[i] = obj[i] ?? Infinity;
      bestRecon[i] = rec[i] ?? Infinity;
      if (scores) bestScore[i] = scores[i] ?? 0;
    });
    if (better.some(Boolean)) best = replaceRows(best, at, better);
  };
  // With lossDetail and a score: per item, the code the forward pass counted most right (ties: the
  // lower objective) and the objective at its current code; scored with the last code at the end.
  const counted = problem.lossDetail !== undefined && problem.score !== undefined;
  let countedBest = tf.clone(mu);
  const countedKey = Array.from({ length: batch }, () => ({ right: -1, obj: Infinity, rec: Infinity }));
  const lastValue = Array.from({ length: batch }, () => ({ obj: Infinity, rec: Infinity }));
  /** Notes `at` as each open item's most-counted-right code where it beats the one so far. */
  const track = (obj: ArrayLike<number>, rec: ArrayLike<number>, right: ArrayLike<number>, at: tf.Tensor2D, open: readonly boolean[]): void => {
    const better = open.map((on, i) => {
      if (!on) return false;
      lastValue[i] = { obj: obj[i] ?? Infinity, rec: rec[i] ?? Infinity };
      const key = countedKey[i];
      const r = right[i] ?? 0;
      const o = obj[i] ?? Infinity;
      if (!key || !(r > key.right || (r === key.right && o < key.obj))) return false;
      countedKey[i] = { right: r, obj: o, rec: rec[i] ?? Infinity };
      return true;
    });
    if (better.some(Boolean)) countedBest = replaceRows(countedBest, at, better);
  };
  /** Stops item `i` after `k` steps for `why`. */
  const stop = (i: number, k: number, why: RefinementReport['stopped']): void => {
    active[i] = false;
    used[i] = k;
    stopped[i] = why;
  };
  /**
   * The code `at` after `k` steps, with its objective and reconstruction: considered as a candidate
   * (scored when the problem has a score, at μ, every SCORE_EVERY-th step and the last), then each
   * active item is checked for being done. Returns the mean objective of the active items.
   */
  const visit = async (
    perItem: tf.Tensor1D,
    recon: tf.Tensor1D,
    correct: tf.Tensor1D | undefined,
    at: tf.Tensor2D,
    k: number,
    last: boolean,
  ): Promise<number> => {
    const [obj, rec] = [(await perItem.data()) as Float32Array, (await recon.data()) as Float32Array];
    if (k === 0) {
      firstRecon.set(rec);
      firstObjective.set(obj);
    }
    const check = !counted && (k === 0 || k % SCORE_EVERY === 0 || last);
    const open = [...active];
    const perfect = problem.perfectScore;
    // Items the forward pass says are rebuilt exactly: their code is the best there is; they stop here.
    const right = correct && (perfect || counted) ? await correct.data() : undefined;
    if (counted && right) track(obj, rec, right, at, open);
    const exact = open.map((on, i) => on && right !== undefined && (right[i] ?? 0) >= (perfect?.[i] ?? Infinity));
    if (exact.some(Boolean)) {
      consider(obj, rec, at, perfect, exact);
      if (earlyStop) exact.forEach((e, i) => e && stop(i, k, 'exact'));
    }
    if (!problem.score) consider(obj, rec, at, undefined, open);
    else if (check) {
      const scores = await problem.score(at);
      consider(obj, rec, at, scores, open);
      if (earlyStop && perfect) active.forEach((on, i) => on && (scores[i] ?? 0) >= (perfect[i] ?? Infinity) && stop(i, k, 'exact'));
    }
    if (earlyStop)
      active.forEach((on, i) => {
        if (!on) return;
        const r = rec[i] ?? Infinity;
        if (r < (lowest[i] ?? Infinity) * (1 - PLATEAU_GAIN)) {
          lowest[i] = r;
          improvedAt[i] = k;
        } else if (k - (improvedAt[i] ?? 0) >= PLATEAU_STEPS && (!problem.score || check || counted)) stop(i, k, 'plateau');
      });
    let sum = 0;
    let n = 0;
    open.forEach((on, i) => {
      if (on) {
        sum += obj[i] ?? 0;
        n++;
      }
    });
    return n > 0 ? sum / n : NaN;
  };
  try {
    let k = 0;
    for (; k < steps && active.some(Boolean); k++) {
      if (options.signal?.aborted) throw new CancelledError('Refining the codes');
      const current = z;
      const { value, grads, perItem, recon, correct } = tf.tidy(() => {
        let parts: { perItem: tf.Tensor1D; recon: tf.Tensor1D; correct: tf.Tensor1D | undefined } | undefined;
        const { value: total, grad } = tf.valueAndGrad((zz: tf.Tensor) => {
          const o = objective(zz as tf.Tensor2D);
          parts = { perItem: tf.keep(o.perItem), recon: tf.keep(o.recon), correct: o.correct ? tf.keep(o.correct) : undefined };
          return o.total;
        })(current);
        if (!parts) throw new Error('The refinement objective produced no value.');
        return { value: total, grads: grad, perItem: parts.perItem, recon: parts.recon, correct: parts.correct };
      });
      let meanLoss: number;
      try {
        if (!Number.isFinite((await value.data())[0] ?? NaN))
          throw new InvalidInputError('The refinement loss is not finite: the model gives NaN or infinite values for this input.');
        // The loss at z_k (z_0 = μ): keep the best code seen so far; items that are done stop here.
        meanLoss = await visit(perItem, recon, correct, current, k, false);
        if (!active.some(Boolean)) break;
        const step = k + 1;
        const moving = tf.tensor2d(
          active.map((a) => (a ? 1 : 0)),
          [batch, 1],
          'bool',
        );
        const [nm, nv, nz] = tf.tidy(() => {
          const m1 = tf.add(tf.mul(m, ADAM.beta1), tf.mul(grads, 1 - ADAM.beta1));
          const v1 = tf.add(tf.mul(v, ADAM.beta2), tf.mul(tf.square(grads), 1 - ADAM.beta2));
          const mHat = tf.div(m1, 1 - ADAM.beta1 ** step);
          const vHat = tf.div(v1, 1 - ADAM.beta2 ** step);
          const next = tf.sub(current, tf.div(tf.mul(mHat, stepScale), tf.add(tf.sqrt(vHat), ADAM.epsilon)));
          // Items that stopped keep their code.
          return [m1, v1, tf.where(tf.tile(moving, [1, current.shape[1]]), next, current)];
        });
        moving.dispose();
        m.dispose();
        v.dispose();
        current.dispose();
        [m, v, z] = [nm as tf.Tensor2D, nv as tf.Tensor2D, nz as tf.Tensor2D];
      } finally {
        tf.dispose([value, grads, perItem, recon, correct]);
      }
      options.onProgress?.(k + 1, steps, meanLoss);
      await yieldToEventLoop();
    }
    if (active.some(Boolean)) {
      // The last step's code has not been looked at yet.
      const final = z;
      const last = tf.tidy(() => {
        const o = objective(final);
        return [o.perItem, o.recon, o.correct];
      }) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D | undefined];
      try {
        await visit(last[0], last[1], last[2], final, k, true);
      } finally {
        tf.dispose(last.filter((t): t is tf.Tensor1D => t !== undefined));
      }
    }
    if (counted && problem.score) {
      // The most-counted-right code, the last (an item that stopped keeps the code it stopped at) and
      // μ, decoded together in one call.
      const stacked = tf.concat([countedBest, z, mu]) as tf.Tensor2D;
      try {
        const scores = Array.from(await problem.score(stacked));
        const everyone = new Array<boolean>(batch).fill(true);
        const pick = <T>(f: (i: number) => T) => Array.from({ length: batch }, (_, i) => f(i));
        consider(
          pick((i) => countedKey[i]?.obj ?? Infinity),
          pick((i) => countedKey[i]?.rec ?? Infinity),
          countedBest,
          scores.slice(0, batch),
          everyone,
        );
        consider(
          pick((i) => lastValue[i]?.obj ?? Infinity),
          pick((i) => lastValue[i]?.rec ?? Infinity),
          z,
          scores.slice(batch, 2 * batch),
          everyone,
        );
        consider(firstObjective, firstRecon, mu, scores.slice(2 * batch), everyone);
      } finally {
        stacked.dispose();
      }
    }
    const distance = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.mul(tf.sub(best, mu), invSigma)), 1)));
    const distances = await distance.data();
    distance.dispose();
    const reports = Array.from({ length: batch }, (_, i) => ({
      lossBefore: firstRecon[i] ?? NaN,
      lossAfter: bestRecon[i] ?? NaN,
      distanceSigma: distances[i] ?? NaN,
      steps: used[i] ?? steps,
      stopped: stopped[i] ?? 'steps',
    }));
    returned = true;
    return { z: best, reports };
  } finally {
    tf.dispose([z, m, v, invSigma, stepScale, countedBest]);
    if (!returned) best.dispose();
  }
}
