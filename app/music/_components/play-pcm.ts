'use client';
/** Plays a take back as it was recorded (not through the synth), on its own short-lived AudioContext. */

export interface PcmPlayback {
  stop(): void;
  /** Settles when the take has played to its end or was stopped. */
  ended: Promise<void>;
}

/** Starts playing `samples` (mono, `sampleRate` Hz). Call from a click: the context needs a user gesture. */
export async function playPcm(samples: Float32Array, sampleRate: number): Promise<PcmPlayback> {
  const context = new AudioContext();
  await context.resume();
  const buffer = context.createBuffer(1, samples.length, sampleRate);
  buffer.copyToChannel(new Float32Array(samples), 0);
  const source = context.createBufferSource();
  source.buffer = buffer;
  source.connect(context.destination);
  const ended = new Promise<void>((resolve) => {
    source.onended = () => {
      void context.close().catch(() => undefined);
      resolve();
    };
  });
  source.start();
  return { stop: () => source.stop(), ended };
}
