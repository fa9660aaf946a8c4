/**
 * MusicVAE's weights as inference uses them (gates split, layer 0's kernel split by what it
 * multiplies), and the two passes written on them: the encoder's μ and the decoder's step loop
 * (argmax, or Gumbel-max sampling with a seeded stream — identical on every backend, and no
 * Multinomial kernel needed, which WASM lacks). See lstm.ts for how the loops are arranged for speed.
 */
import * as tf from '@tensorflow/tfjs';
import type { DecodeOptions } from '../core/latent-model';
import { createRng, randomSeed } from '../core/random';
import type { MusicConverter } from './converters/types';
import { bidirectionalFinalStates, lstmFromPreactivations, lstmStep, lstmTensors, prepareLstm, type LstmGates } from './lstm';
import { need, type MusicVaeSizes } from './music-vae-config';
import { decoderLstmPrefix as DEC, encoderLstmPrefix as ENC, MUSIC_VAE_VARS as VARS } from './variable-names';

export type InferenceWeights = {
  encFw: LstmGates;
  encBw: LstmGates;
  muKernel: tf.Tensor2D;
  muBias: tf.Tensor1D;
  /** σ = softplus(h·sigmaKernel + sigmaBias); absent from checkpoints that dropped it. */
  sigma: { kernel: tf.Tensor2D; bias: tf.Tensor1D } | undefined;
  zInitKernel: tf.Tensor2D;
  zInitBias: tf.Tensor1D;
  /**
   * Decoder cells; layer l ≥ 1 reads concat(h below, h). Layer 0 reads concat(previous one-hot, z, h):
   * its kernel rows are split per gate [i, j, f, o] into `classRows`, `zRows` (multiplied once per
   * decode, not once per step) and `hRows`.
   */
  dec: LstmGates[];
  dec0: { classRows: tf.Tensor2D[]; zRows: tf.Tensor2D[]; hRows: tf.Tensor2D[] };
  outKernel: tf.Tensor2D;
  outBias: tf.Tensor1D;
};

/** The inference weights from a checkpoint's variables (copies: the caller still owns `vars`). */
export function prepareInferenceWeights(vars: tf.NamedTensorMap, sizes: MusicVaeSizes, converter: MusicConverter, location: string): InferenceWeights {
  const v = (n: string): tf.Tensor => vars[n] as tf.Tensor;
  const sigma =
    vars[VARS.sigmaKernel] && vars[VARS.sigmaBias]
      ? {
          kernel: need(vars, VARS.sigmaKernel, [2 * sizes.encoderUnits, sizes.zDims], location) as tf.Tensor2D,
          bias: need(vars, VARS.sigmaBias, [sizes.zDims], location) as tf.Tensor1D,
        }
      : undefined;
  return tf.tidy(() => ({
    encFw: prepareLstm(v(ENC('fw') + 'kernel') as tf.Tensor2D, v(ENC('fw') + 'bias') as tf.Tensor1D),
    encBw: prepareLstm(v(ENC('bw') + 'kernel') as tf.Tensor2D, v(ENC('bw') + 'bias') as tf.Tensor1D),
    muKernel: tf.clone(v(VARS.muKernel)) as tf.Tensor2D,
    muBias: tf.clone(v(VARS.muBias)) as tf.Tensor1D,
    sigma: sigma ? { kernel: tf.clone(sigma.kernel), bias: tf.clone(sigma.bias) } : undefined,
    zInitKernel: tf.clone(v(VARS.zInitKernel)) as tf.Tensor2D,
    zInitBias: tf.clone(v(VARS.zInitBias)) as tf.Tensor1D,
    dec: sizes.decoderUnits.map((_, i) => prepareLstm(v(DEC(i) + 'kernel') as tf.Tensor2D, v(DEC(i) + 'bias') as tf.Tensor1D)),
    dec0: (() => {
      const k0 = v(DEC(0) + 'kernel') as tf.Tensor2D;
      const h0 = sizes.decoderUnits[0] ?? 0;
      const [classRows, zRows, hRows] = tf.split(k0, [converter.outputDepth, sizes.zDims, h0], 0);
      const byGate = (t: tf.Tensor | undefined): tf.Tensor2D[] => tf.split(t as tf.Tensor2D, 4, 1) as tf.Tensor2D[];
      return { classRows: byGate(classRows), zRows: byGate(zRows), hRows: byGate(hRows) };
    })(),
    outKernel: tf.clone(v(VARS.outKernel)) as tf.Tensor2D,
    outBias: tf.clone(v(VARS.outBias)) as tf.Tensor1D,
  }));
}

/** Every tensor of the weights that inference uses (σ excluded; layer 0's full kernels are not kept after the split). */
export function inferenceTensors(w: InferenceWeights): tf.Tensor[] {
  const dec0 = [...w.dec0.classRows, ...w.dec0.zRows, ...w.dec0.hRows];
  return [
    ...lstmTensors(w.encFw),
    ...lstmTensors(w.encBw),
    w.muKernel,
    w.muBias,
    w.zInitKernel,
    w.zInitBias,
    ...w.dec.flatMap(lstmTensors),
    ...dec0,
    w.outKernel,
    w.outBias,
  ];
}

/** The encoder's final states, concatenated `[batch, 2 · encoderUnits]`, for inputs `x`. Call inside tf.tidy. */
export function encoderStates(w: InferenceWeights, x: tf.Tensor3D): tf.Tensor2D {
  const [hFw, hBw] = bidirectionalFinalStates(tf.cast(x, 'float32') as tf.Tensor3D, w.encFw, w.encBw);
  return tf.concat([hFw, hBw], 1) as tf.Tensor2D;
}

/** μ from the encoder's states. Call inside tf.tidy. */
export function meanFromStates(w: InferenceWeights, states: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(states, w.muKernel), w.muBias) as tf.Tensor2D;
}

/**
 * Decoded class labels `[batch, numSteps]` (int32) for codes `z` `[batch, zDims]`. Argmax without a
 * temperature; with one, Gumbel-max sampling from softmax(logits / T) with a seeded stream. Caller disposes.
 */
export function decodeLabelsWithWeights(
  w: InferenceWeights,
  sizes: MusicVaeSizes,
  converter: MusicConverter,
  z: tf.Tensor2D,
  options: DecodeOptions = {},
): tf.Tensor2D {
  const batch = z.shape[0];
  const steps = converter.numSteps;
  const classes = converter.outputDepth;
  const temperature = options.temperature ?? 0;
  // Gumbel noise for every step, drawn up front from the seed (−log(−log u)).
  let noise: Float32Array | undefined;
  if (temperature > 0) {
    const rng = createRng(options.seed ?? randomSeed());
    noise = new Float32Array(steps * batch * classes);
    for (let i = 0; i < noise.length; i++) noise[i] = -Math.log(-Math.log(rng.next() * (1 - 2e-7) + 1e-7));
  }
  return tf.tidy(() => {
    const units = sizes.decoderUnits;
    const init = tf.split(
      tf.tanh(tf.add(tf.matMul(z, w.zInitKernel), w.zInitBias)),
      units.flatMap((u) => [u, u]),
      1,
    );
    const c = units.map((_, i) => init[2 * i] as tf.Tensor2D);
    const h = units.map((_, i) => init[2 * i + 1] as tf.Tensor2D);
    // One tensor per step straight from the array (slicing one big tensor is slow on WASM).
    const gumbel = noise
      ? Array.from({ length: steps }, (_, t) => tf.tensor2d(noise.subarray(t * batch * classes, (t + 1) * batch * classes), [batch, classes]))
      : undefined;
    const invT = temperature > 0 ? tf.scalar(1 / temperature) : undefined;
    const g0 = w.dec[0] as LstmGates;
    const biases0 = [g0.bi, g0.bj, g0.bf, g0.bo];
    // z's contribution to layer 0 is the same at every step: compute it once.
    const zPart = w.dec0.zRows.map((rows, k) => tf.add(tf.matMul(z, rows), biases0[k] as tf.Tensor1D));
    // The previous step's one-hot times the class rows picks one row per item. A gather does that
    // for free on CPU/WebGL/WebGPU; WASM's Gather kernel costs ~150 µs for 16 rows, ten times a
    // one-hot matMul, so there the one-hot is multiplied (both are exact).
    const gatherRows = tf.getBackend() !== 'wasm';
    let previous: tf.Tensor1D | undefined;
    const labels: tf.Tensor1D[] = [];
    // Each step in a scope of its own that keeps only the new states and label, the old states freed
    // at once: the working memory of a decode is one step's, not all 32 steps' (WASM's heap never shrinks).
    for (let t = 0; t < steps; t++) {
      const prevLabel = previous;
      const next = tf.tidy(() => {
        // oneHot straight to float32 is broken on WASM (tfjs 4.22 writes int32 bits): cast instead.
        const prevOneHot = prevLabel && !gatherRows ? (tf.cast(tf.oneHot(prevLabel, classes), 'float32') as tf.Tensor2D) : undefined;
        const pre = w.dec0.hRows.map((rows, k) => {
          const g = tf.add(tf.matMul(h[0] as tf.Tensor2D, rows), zPart[k] as tf.Tensor);
          const classRows = w.dec0.classRows[k] as tf.Tensor2D;
          if (!prevLabel) return g;
          return tf.add(g, prevOneHot ? tf.matMul(prevOneHot, classRows) : tf.gather(classRows, prevLabel));
        }) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const cs: tf.Tensor2D[] = [];
        const hs: tf.Tensor2D[] = [];
        [cs[0], hs[0]] = lstmFromPreactivations(pre, c[0] as tf.Tensor2D);
        for (let l = 1; l < units.length; l++) {
          [cs[l], hs[l]] = lstmStep(tf.concat([hs[l - 1] as tf.Tensor2D, h[l] as tf.Tensor2D], 1) as tf.Tensor2D, c[l] as tf.Tensor2D, w.dec[l] as LstmGates);
        }
        let logits: tf.Tensor = tf.add(tf.matMul(hs[units.length - 1] as tf.Tensor2D, w.outKernel), w.outBias);
        if (invT && gumbel) logits = tf.add(tf.mul(logits, invT), gumbel[t] as tf.Tensor);
        return { cs, hs, label: tf.argMax(logits, 1) as tf.Tensor1D };
      });
      tf.dispose([...c, ...h, ...(gumbel?.[t] ? [gumbel[t]] : [])]);
      next.cs.forEach((x, l) => (c[l] = x));
      next.hs.forEach((x, l) => (h[l] = x));
      previous = next.label;
      labels.push(previous);
    }
    return tf.stack(labels, 1) as tf.Tensor2D;
  });
}
