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

type Saved = [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D];

function lstmSequenceImpl(xw: tf.Tensor3D, wh: tf.Tensor2D, c0: tf.Tensor2D, h0: tf.Tensor2D, save: tf.GradSaveFunc): { value: tf.Tensor3D; gradFunc: (dy: tf.Tensor3D, saved: tf.Tensor[]) => tf.Tensor[] } {
  // Everything but the output and the saved tensors must be freed here (TF.js checks it).
  const [value, actsAll, csAll, hPrevAll] = tf.tidy(() => {
    let c = c0;
    let h = h0;
    const hs: tf.Tensor2D[] = [];
    const cs: tf.Tensor2D[] = [c0];
    const acts: tf.Tensor2D[] = [];
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
    // Gate activations [T,B,4H], cell states [T+1,B,H], the h before each step [T,B,H].
    return [tf.stack(hs), tf.stack(acts), tf.stack(cs), tf.stack([h0, ...hs.slice(0, -1)])] as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  });
  save([actsAll, csAll, hPrevAll, wh]);
  return {
    value,
    gradFunc: (dy, saved) => {
      const [actsAll, csAll, hPrevAll, whSaved] = saved as Saved;
      const T = actsAll.shape[0];
      const [batch, hidden] = [c0.shape[0], c0.shape[1]];
      const actsT = tf.unstack(actsAll) as tf.Tensor2D[];
      const csT = tf.unstack(csAll) as tf.Tensor2D[];
      const dyT = tf.unstack(dy) as tf.Tensor2D[];
      let dhNext: tf.Tensor2D = tf.zeros([batch, hidden]);
      let dcNext: tf.Tensor2D = tf.zeros([batch, hidden]);
      const dGs: tf.Tensor2D[] = new Array<tf.Tensor2D>(T);
      for (let t = T - 1; t >= 0; t--) {
        const [si, tj, sf, so] = tf.split(actsT[t] as tf.Tensor2D, 4, 1) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        const cPrev = csT[t] as tf.Tensor2D;
        const tc = tf.tanh(csT[t + 1] as tf.Tensor2D);
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
        dhNext = tf.matMul(dG, whSaved, false, true);
      }
      const dXw = tf.stack(dGs) as tf.Tensor3D;
      const flatH = tf.reshape(hPrevAll, [T * batch, hidden]) as tf.Tensor2D;
      const dWh = tf.matMul(flatH, tf.reshape(dXw, [T * batch, 4 * hidden]) as tf.Tensor2D, true, false);
      return [dXw, dWh, dcNext, dhNext];
    },
  };
}

/**
 * Runs an LSTM over `xw` (`[T, B, 4H]`: each step's input projection plus bias, forget bias
 * included) from states `c0`, `h0` (`[B, H]`) with recurrent kernel `wh` (`[H, 4H]`), and returns
 * every step's h (`[T, B, H]`). Differentiable with respect to all four inputs.
 */
export const lstmSequence = tf.customGrad(lstmSequenceImpl as unknown as Parameters<typeof tf.customGrad>[0]) as (
  xw: tf.Tensor3D,
  wh: tf.Tensor2D,
  c0: tf.Tensor2D,
  h0: tf.Tensor2D,
) => tf.Tensor3D;
