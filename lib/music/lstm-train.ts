/**
 * A trainable LSTM layer over a whole sequence, with back-propagation through time written by hand
 * (`tf.customGrad`), for MusicVAE training.
 *
 * Why: differentiating a step-by-step LSTM with TF.js's tape records ~15 small ops per step and
 * replays their gradients one by one. Here the input projection of *all* steps is one matrix
 * product outside (the caller's `X·W_x + b`), the forward loop keeps only the recurrent product, and
 * the backward pass runs the per-step recurrences once and then forms the recurrent kernel's
 * gradient for all steps in a single `[H, T·B] × [T·B, 4H]` product.
 *
 * Gates follow TF's basic LSTM cell (i, j, f, o); the forget bias must already be in `xw`.
 */
import * as tf from '@tensorflow/tfjs';
import { LSTM_BACKWARD, LSTM_FORWARD, preferFusedLstm } from '../core/kernels/lstm-sequence';

type LstmImpl = (
  xw: tf.Tensor3D,
  wh: tf.Tensor2D,
  c0: tf.Tensor2D,
  h0: tf.Tensor2D,
  save: tf.GradSaveFunc,
) => { value: tf.Tensor3D; gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => tf.Tensor[] };

/** The same LSTM through the fused kernels of lib/core/kernels/lstm-sequence (small batches on WASM/CPU). */
const fusedLstmSequenceImpl: LstmImpl = (xw, wh, c0, h0, save) => {
  const [T, B] = xw.shape;
  const H = wh.shape[0];
  const [value, acts, cs, hPrev] = tf.tidy(() => {
    const [hs, a, c] = tf.engine().runKernel(LSTM_FORWARD, { xw, wh, c0, h0 }) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    const before = T > 1 ? tf.concat([h0, tf.reshape(tf.slice(hs, [0, 0, 0], [T - 1, B, H]), [(T - 1) * B, H])], 0) : tf.clone(h0);
    return [hs, a, c, before];
  });
  save([acts, cs, hPrev, wh, c0] as tf.Tensor[]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [a, c, before, whSaved, c0Saved] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const whT = tf.transpose(whSaved);
      const [dXw, dc0, dh0] = tf.engine().runKernel(LSTM_BACKWARD, { dy, acts: a, cs: c, c0: c0Saved, whT }) as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
      const dWh = tf.matMul(tf.transpose(before) as tf.Tensor2D, tf.reshape(dXw, [T * B, 4 * H]) as tf.Tensor2D);
      return [dXw, dWh, dc0, dh0];
    },
  };
};

function lstmSequenceImpl(
  xw: tf.Tensor3D,
  wh: tf.Tensor2D,
  c0: tf.Tensor2D,
  h0: tf.Tensor2D,
  save: tf.GradSaveFunc,
): { value: tf.Tensor3D; gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => tf.Tensor[] } {
  const T = xw.shape[0];
  // Per-step tensors are saved one by one, never stacked and sliced again: on WASM every slice of a
  // tensor first copies the whole tensor out of the heap, so T slices of a big tensor cost T copies.
  const [value, ...kept] = tf.tidy(() => {
    let c = c0;
    let h = h0;
    const hs: tf.Tensor2D[] = [];
    const acts: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [];
    for (const x of tf.unstack(xw) as tf.Tensor2D[]) {
      const [gi, gj, gf, go] = tf.split(tf.add(x, tf.matMul(h, wh)), 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const si = tf.sigmoid(gi);
      const tj = tf.tanh(gj);
      const sf = tf.sigmoid(gf);
      const so = tf.sigmoid(go);
      c = tf.add(tf.mul(c, sf), tf.mul(si, tj));
      h = tf.mul(tf.tanh(c), so);
      hs.push(h);
      cs.push(c);
      acts.push(tf.concat([si, tj, sf, so], 1));
    }
    // Saved: gate activations per step, cell states per step, and the h's before each step as one [T·B, H] matrix.
    return [tf.stack(hs) as tf.Tensor3D, ...acts, ...cs, tf.concat([h0, ...hs.slice(0, -1)], 0)];
  });
  // c0 is saved too: tensors captured from the forward pass are freed before the backward pass runs.
  save([...kept, wh, c0]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const acts = saved.slice(0, T) as tf.Tensor2D[];
      const cs = saved.slice(T, 2 * T) as tf.Tensor2D[];
      const hPrev = saved[2 * T] as tf.Tensor2D;
      const whSaved = saved[2 * T + 1] as tf.Tensor2D;
      const c0Saved = saved[2 * T + 2] as tf.Tensor2D;
      const [batch, hidden] = [c0.shape[0], c0.shape[1]];
      // Explicit transposes: WASM's matMul leaves its fast (XNNPACK) path when asked to transpose.
      const whT = tf.transpose(whSaved) as tf.Tensor2D;
      const dyT = tf.unstack(dy) as tf.Tensor2D[];
      let dhNext: tf.Tensor2D = tf.zeros([batch, hidden]);
      let dcNext: tf.Tensor2D = tf.zeros([batch, hidden]);
      const dGs: tf.Tensor2D[] = new Array<tf.Tensor2D>(T);
      for (let t = T - 1; t >= 0; t--) {
        const [si, tj, sf, so] = tf.split(acts[t] as tf.Tensor2D, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const cPrev = t === 0 ? c0Saved : (cs[t - 1] as tf.Tensor2D);
        const tc = tf.tanh(cs[t] as tf.Tensor2D);
        const dh = tf.add(dyT[t] as tf.Tensor2D, dhNext);
        const dso = tf.mul(dh, tc);
        const dc = tf.add(dcNext, tf.mul(tf.mul(dh, so), tf.sub(1, tf.square(tc)))) as tf.Tensor2D;
        const dgi = tf.mul(tf.mul(dc, tj), tf.mul(si, tf.sub(1, si)));
        const dgj = tf.mul(tf.mul(dc, si), tf.sub(1, tf.square(tj)));
        const dgf = tf.mul(tf.mul(dc, cPrev), tf.mul(sf, tf.sub(1, sf)));
        const dgo = tf.mul(dso, tf.mul(so, tf.sub(1, so)));
        const dG = tf.concat([dgi, dgj, dgf, dgo], 1) as tf.Tensor2D;
        dGs[t] = dG;
        dcNext = tf.mul(dc, sf) as tf.Tensor2D;
        dhNext = tf.matMul(dG, whT);
      }
      const dXw = tf.stack(dGs) as tf.Tensor3D;
      // The recurrent kernel's gradient for all steps at once: [H, T·B] × [T·B, 4H].
      const dWh = tf.matMul(tf.transpose(hPrev) as tf.Tensor2D, tf.reshape(dXw, [T * batch, 4 * hidden]) as tf.Tensor2D);
      return [dXw, dWh, dcNext, dhNext];
    },
  };
}

type LstmSequence = (xw: tf.Tensor3D, wh: tf.Tensor2D, c0: tf.Tensor2D, h0: tf.Tensor2D) => tf.Tensor3D;
const opsLstm = tf.customGrad(lstmSequenceImpl as unknown as Parameters<typeof tf.customGrad>[0]) as LstmSequence;
const fusedLstm = tf.customGrad(fusedLstmSequenceImpl as unknown as Parameters<typeof tf.customGrad>[0]) as LstmSequence;
/**
 * As {@link fusedLstmSequenceImpl}, for a fixed recurrent kernel whose transpose `whT` is at hand:
 * no transpose per call, and no gradient for either (zeros).
 */
const fusedLstmFixedKernel = tf.customGrad(((xw: tf.Tensor3D, wh: tf.Tensor2D, whT: tf.Tensor2D, c0: tf.Tensor2D, h0: tf.Tensor2D, save: tf.GradSaveFunc) => {
  const { value } = fusedLstmSequenceImpl(xw, wh, c0, h0, (tensors) => save([...tensors, whT]));
  return {
    value,
    gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [a, c, , whSaved, c0Saved, whTSaved] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const [dXw, dc0, dh0] = tf.engine().runKernel(LSTM_BACKWARD, { dy, acts: a, cs: c, c0: c0Saved, whT: whTSaved }) as [
        tf.Tensor3D,
        tf.Tensor2D,
        tf.Tensor2D,
      ];
      return [dXw, tf.zerosLike(whSaved), tf.zerosLike(whTSaved), dc0, dh0];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (xw: tf.Tensor3D, wh: tf.Tensor2D, whT: tf.Tensor2D, c0: tf.Tensor2D, h0: tf.Tensor2D) => tf.Tensor3D;

/**
 * Runs an LSTM over `xw` (`[T, B, 4H]`: each step's input projection plus bias, forget bias
 * included) from states `c0`, `h0` (`[B, H]`) with recurrent kernel `wh` (`[H, 4H]`), and returns
 * every step's h (`[T, B, H]`). Differentiable with respect to all four inputs; with
 * `fixedKernel: { whT }` (`wh` transposed, made once by the caller), the gradient with respect to
 * `wh` is skipped (returned as zeros) — for refining codes, where the weights do not train.
 */
export const lstmSequence = (
  xw: tf.Tensor3D,
  wh: tf.Tensor2D,
  c0: tf.Tensor2D,
  h0: tf.Tensor2D,
  options: { fixedKernel?: { whT: tf.Tensor2D } } = {},
): tf.Tensor3D => {
  if (!preferFusedLstm(xw.shape[1], wh.shape[0])) return opsLstm(xw, wh, c0, h0);
  return options.fixedKernel ? fusedLstmFixedKernel(xw, wh, options.fixedKernel.whT, c0, h0) : fusedLstm(xw, wh, c0, h0);
};

/**
 * `x · w` for a fixed `w` whose transpose `wT` is already at hand: the gradient with respect to `x`
 * (`dy · wT`) needs no transpose per call, and none is computed for `w`.
 */
export const fixedMatMul = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, wT: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([wT]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => [tf.matMul(dy, saved[0] as tf.Tensor2D), tf.zerosLike(w), tf.zerosLike(wT)],
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D, wT: tf.Tensor2D) => tf.Tensor2D;

/** The op-by-op implementation on any backend, for tests comparing it with the fused kernels. */
export const lstmSequenceOps: LstmSequence = opsLstm;
