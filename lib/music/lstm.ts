/**
 * Fast LSTM building blocks for MusicVAE inference, numerically the same as TF's "basic LSTM
 * cell" (`tf.basicLSTMCell`: gates i, j, f, o; forget bias 1.0) but arranged for speed:
 *   - the input part of every time step is computed in one big matrix product before the loop,
 *     so only the recurrent product h·W_h stays inside it;
 *   - the forward and backward encoder directions run together as one batched product;
 *   - the forget bias is folded into the bias once, at load time.
 * All functions are synchronous and meant to be called inside `tf.tidy`.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel `[input + hidden, 4·hidden]` split into its input and recurrent parts, bias with forget bias folded in. */
export type LstmWeights = {
  /** `[input, 4H]` */
  wx: tf.Tensor2D;
  /** `[H, 4H]` */
  wh: tf.Tensor2D;
  /** `[4H]`, the f-gate quarter already increased by the forget bias. */
  bias: tf.Tensor1D;
  hidden: number;
};

/** Prepares one TF basic-LSTM cell's variables. Returns new tensors (caller disposes). */
export function prepareLstm(kernel: tf.Tensor2D, bias: tf.Tensor1D, inputSize: number, forgetBias = 1.0): LstmWeights {
  return tf.tidy(() => {
    const hidden = bias.shape[0] / 4;
    const [wx, wh] = tf.split(kernel, [inputSize, hidden], 0) as [tf.Tensor2D, tf.Tensor2D];
    const shift = tf.concat([tf.zeros([2 * hidden]), tf.fill([hidden], forgetBias), tf.zeros([hidden])]);
    return { wx, wh, bias: tf.add(bias, shift) as tf.Tensor1D, hidden };
  });
}

/**
 * One LSTM update from pre-activations `gates` (`[…, 4H]` = x·W_x + h·W_h + bias) and the previous
 * cell state `c`. Returns the new [c, h].
 */
export function lstmUpdate(gates: tf.Tensor, c: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const [i, j, f, o] = tf.split(gates, 4, -1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const newC = tf.add(tf.mul(c, tf.sigmoid(f)), tf.mul(tf.sigmoid(i), tf.tanh(j)));
  const newH = tf.mul(tf.tanh(newC), tf.sigmoid(o));
  return [newC, newH];
}

/**
 * Runs a bidirectional LSTM over `x` (`[B, T, D]`) from zero states and returns the final
 * forward h and the final backward h (the backward pass ends at step 0), each `[B, H]`.
 * Both directions advance together: one batched `[2, B, H] × [2, H, 4H]` product per step.
 */
export function bidirectionalFinalStates(x: tf.Tensor3D, fw: LstmWeights, bw: LstmWeights): [tf.Tensor2D, tf.Tensor2D] {
  const [batch, steps, depth] = x.shape;
  const hidden = fw.hidden;
  const flat = x.reshape([batch * steps, depth]);
  const xwFw = tf.add(tf.matMul(flat, fw.wx), fw.bias).reshape([batch, steps, 4 * hidden]);
  const xwBw = tf.reverse(tf.add(tf.matMul(flat, bw.wx), bw.bias).reshape([batch, steps, 4 * hidden]), 1);
  // [T, 2, B, 4H]: step t holds the forward input of step t and the backward input of step T−1−t.
  const perStep = tf.unstack(tf.transpose(tf.stack([xwFw, xwBw]), [2, 0, 1, 3]));
  const wh = tf.stack([fw.wh, bw.wh]) as tf.Tensor3D;
  let c: tf.Tensor = tf.zeros([2, batch, hidden]);
  let h: tf.Tensor = tf.zeros([2, batch, hidden]);
  for (const xw of perStep) {
    [c, h] = lstmUpdate(tf.add(xw, tf.matMul(h as tf.Tensor3D, wh)), c);
  }
  const [hFw, hBw] = tf.unstack(h);
  return [hFw as tf.Tensor2D, hBw as tf.Tensor2D];
}
