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
   * Optional per-item quality of a code, higher is better (music: how many steps a greedy decode
   * gets right). When given, the code kept per item is the best-scoring one among μ, every
   * {@link SCORE_EVERY}-th step and the last (ties go to the lower loss) — the loss is what the
   * steps lower, the score is what the user sees. All candidates are scored in one call, stacked:
   * row r of `z` is a code for item r mod batch.
   */
  score?: (z: tf.Tensor2D) => Promise<ArrayLike<number>>;
  /** Frees μ, σ and anything the loss closes over. */
  dispose: () => void;
}

/** Checks refine options and fills the defaults; throws {@link InvalidInputError} with the fix. */
export function checkRefineOptions(options: RefineOptions): Required<Pick<RefineOptions, 'steps' | 'learningRate' | 'priorWeight'>> {
  const { steps } = options;
  const learningRate = options.learningRate ?? 0.3;
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
  return { steps, learningRate, priorWeight };
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

/** With a score, candidates are μ, every this many steps, and the last step. */
export const SCORE_EVERY = 5;

/**
 * Runs Adam on the codes of a {@link RefinementProblem} from μ and returns, per item, the code with the
 * lowest loss seen (μ included, so refining never makes an item worse by its own measure) and a report.
 * The returned tensor belongs to the caller; the problem is not disposed here.
 *
 * @throws {InvalidInputError} for bad options; {@link CancelledError} when `options.signal` fires
 *   (nothing is returned and no tensor is left behind).
 */
export async function refineCodesTensor(problem: RefinementProblem, options: RefineOptions): Promise<{ z: tf.Tensor2D; reports: RefinementReport[] }> {
  const { steps, learningRate, priorWeight } = checkRefineOptions(options);
  const { mu, sigma } = problem;
  const batch = mu.shape[0];
  const invSigma = tf.tidy(() => tf.div(1, tf.maximum(sigma, 1e-6)));
  // The objective per item: reconstruction + ½·priorWeight·Σ((z − μ)/σ)²; its sum drives Adam.
  const objective = (z: tf.Tensor2D): { total: tf.Scalar; perItem: tf.Tensor1D; recon: tf.Tensor1D } => {
    const recon = problem.loss(z);
    const perItem = priorWeight > 0 ? (tf.add(recon, tf.mul(0.5 * priorWeight, tf.sum(tf.square(tf.mul(tf.sub(z, mu), invSigma)), 1))) as tf.Tensor1D) : recon;
    return { total: tf.sum(perItem), perItem, recon };
  };
  let z = tf.clone(mu);
  let m = tf.zerosLike(mu);
  let v = tf.zerosLike(mu);
  let best = tf.clone(mu);
  let returned = false;
  let bestObjective: Float32Array | undefined;
  let bestRecon: Float32Array | undefined;
  let bestScore: Float64Array | undefined;
  let firstRecon: Float32Array | undefined;
  /** Candidate codes (with a score): scored together in one batched call at the end, then chosen in order. */
  const candidates: { z: tf.Tensor2D; obj: Float32Array; rec: Float32Array }[] = [];
  /** Makes `at` each item's best where it beats the best so far (by score when given, else by objective). */
  const consider = (obj: Float32Array, rec: Float32Array, at: tf.Tensor2D, scores: Float64Array | undefined): void => {
    if (!bestObjective || !bestRecon) {
      bestObjective = Float32Array.from(obj);
      bestRecon = Float32Array.from(rec);
      firstRecon = Float32Array.from(rec);
      bestScore = scores;
      return;
    }
    const better = new Array<boolean>(batch);
    for (let i = 0; i < batch; i++) {
      const lower = (obj[i] ?? Infinity) < (bestObjective[i] ?? Infinity);
      const [s, b] = [scores?.[i] ?? 0, bestScore?.[i] ?? 0];
      better[i] = scores ? s > b || (s === b && lower) : lower;
      if (better[i]) {
        bestObjective[i] = obj[i] ?? Infinity;
        bestRecon[i] = rec[i] ?? Infinity;
        if (bestScore) bestScore[i] = s;
      }
    }
    if (better.some(Boolean)) {
      const mask = tf.tensor2d(
        better.map((b) => (b ? 1 : 0)),
        [batch, 1],
        'bool',
      );
      const next = tf.tidy(() => tf.where(tf.tile(mask, [1, at.shape[1]]), at, best)) as tf.Tensor2D;
      mask.dispose();
      best.dispose();
      best = next;
    }
  };
  /**
   * The code `at` with its objective and reconstruction: without a score it is considered at once; with
   * one, candidate steps are kept for the single batched scoring at the end (a greedy decode per
   * candidate costs as much as a decode of all of them together). Returns the mean objective.
   */
  const keepBest = async (perItem: tf.Tensor1D, recon: tf.Tensor1D, at: tf.Tensor2D, candidate: boolean): Promise<number> => {
    const [obj, rec] = [(await perItem.data()) as Float32Array, (await recon.data()) as Float32Array];
    const mean = obj.reduce((a, b) => a + b, 0) / batch;
    if (!problem.score) consider(obj, rec, at, undefined);
    else if (candidate) candidates.push({ z: tf.clone(at), obj: Float32Array.from(obj), rec: Float32Array.from(rec) });
    return mean;
  };
  const scoreCandidates = async (): Promise<void> => {
    if (!problem.score || candidates.length === 0) return;
    const stacked = tf.concat(
      candidates.map((c) => c.z),
      0,
    ) as tf.Tensor2D;
    let all: Float64Array;
    try {
      all = Float64Array.from(await problem.score(stacked));
    } finally {
      stacked.dispose();
    }
    candidates.forEach((c, j) => consider(c.obj, c.rec, c.z, all.slice(j * batch, (j + 1) * batch)));
  };
  try {
    for (let k = 1; k <= steps; k++) {
      if (options.signal?.aborted) throw new CancelledError('Refining the codes');
      const current = z;
      const { value, grads, perItem, recon } = tf.tidy(() => {
        let parts: { perItem: tf.Tensor1D; recon: tf.Tensor1D } | undefined;
        const { value: total, grad } = tf.valueAndGrad((zz: tf.Tensor) => {
          const o = objective(zz as tf.Tensor2D);
          parts = { perItem: tf.keep(o.perItem), recon: tf.keep(o.recon) };
          return o.total;
        })(current);
        if (!parts) throw new Error('The refinement objective produced no value.');
        return { value: total, grads: grad, perItem: parts.perItem, recon: parts.recon };
      });
      let meanLoss: number;
      try {
        // The loss at z_{k−1} (z_0 = μ): keep the best code seen so far.
        meanLoss = await keepBest(perItem, recon, current, (k - 1) % SCORE_EVERY === 0);
        if (!Number.isFinite((await value.data())[0] ?? NaN))
          throw new InvalidInputError('The refinement loss is not finite: the model gives NaN or infinite values for this input.');
        const [nm, nv, nz] = tf.tidy(() => {
          const m1 = tf.add(tf.mul(m, ADAM.beta1), tf.mul(grads, 1 - ADAM.beta1));
          const v1 = tf.add(tf.mul(v, ADAM.beta2), tf.mul(tf.square(grads), 1 - ADAM.beta2));
          const mHat = tf.div(m1, 1 - ADAM.beta1 ** k);
          const vHat = tf.div(v1, 1 - ADAM.beta2 ** k);
          return [m1, v1, tf.sub(current, tf.div(tf.mul(mHat, learningRate), tf.add(tf.sqrt(vHat), ADAM.epsilon)))];
        });
        m.dispose();
        v.dispose();
        current.dispose();
        [m, v, z] = [nm as tf.Tensor2D, nv as tf.Tensor2D, nz as tf.Tensor2D];
      } finally {
        tf.dispose([value, grads, perItem, recon]);
      }
      options.onProgress?.(k, steps, meanLoss);
      await yieldToEventLoop();
    }
    // The last step's code has not been scored yet.
    const final = z;
    const last = tf.tidy(() => {
      const o = objective(final);
      return [o.perItem, o.recon];
    }) as [tf.Tensor1D, tf.Tensor1D];
    try {
      await keepBest(last[0], last[1], final, true);
    } finally {
      tf.dispose(last);
    }
    await scoreCandidates();
    const distance = tf.tidy(() => tf.sqrt(tf.sum(tf.square(tf.mul(tf.sub(best, mu), invSigma)), 1)));
    const distances = await distance.data();
    distance.dispose();
    const reports = Array.from({ length: batch }, (_, i) => ({
      lossBefore: firstRecon?.[i] ?? NaN,
      lossAfter: bestRecon?.[i] ?? NaN,
      distanceSigma: distances[i] ?? NaN,
    }));
    returned = true;
    return { z: best, reports };
  } finally {
    tf.dispose([z, m, v, invSigma, ...candidates.map((c) => c.z)]);
    if (!returned) best.dispose();
  }
}
