/**
 * MusicVAE's variable names as Magenta's TensorFlow checkpoints spell them — one home for the
 * checkpoint loader (music-vae.ts), the trainer (train.ts) and the test fixtures, so a checkpoint
 * we write is one Magenta (and @magenta/music) reads, and the other way round. TF-free.
 */

/** Prefix of an encoder LSTM's `kernel`/`bias`: direction `fw`/`bw`; `layer` > 0 only exists in multi-layer encoders. */
export function encoderLstmPrefix(dir: 'fw' | 'bw', layer = 0): string {
  return `encoder/cell_${layer}/bidirectional_rnn/${dir}/multi_rnn_cell/cell_0/lstm_cell/`;
}

/** Prefix of decoder LSTM layer `i`'s `kernel`/`bias`. */
export function decoderLstmPrefix(i: number): string {
  return `decoder/multi_rnn_cell/cell_${i}/lstm_cell/`;
}

/** The dense layers: the code's mean and spread, the decoder's initial state and its output projection. */
export const MUSIC_VAE_VARS = {
  muKernel: 'encoder/mu/kernel',
  muBias: 'encoder/mu/bias',
  sigmaKernel: 'encoder/sigma/kernel',
  sigmaBias: 'encoder/sigma/bias',
  zInitKernel: 'decoder/z_to_initial_state/kernel',
  zInitBias: 'decoder/z_to_initial_state/bias',
  outKernel: 'decoder/output_projection/kernel',
  outBias: 'decoder/output_projection/bias',
} as const;
