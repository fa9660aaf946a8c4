'use client';
/**
 * Plays raw sounds (a recorded take, a decoded note) on one AudioContext kept for the page: a new
 * sound replaces the one playing with a 15 ms fade (the timbre pad retriggers many times a second),
 * and a sequence of sounds can be queued back to back (a morph strip). Create it from a click: the
 * context needs a user gesture.
 */

export interface PcmPlayback {
  /** Stops this sound (with a short fade). */
  stop(): void;
  /** Settles when it has played to its end or was stopped or replaced. */
  ended: Promise<void>;
}

const FADE = 0.015;
let context: AudioContext | undefined;

function audioContext(): AudioContext {
  if (!context || context.state === 'closed') context = new AudioContext({ latencyHint: 'interactive' });
  return context;
}

let current: { source: AudioBufferSourceNode; gain: GainNode } | undefined;

/** Plays `clips` (mono, `sampleRate` Hz) one after another, replacing whatever plays now. `onClip` tells which clip starts. */
export async function playPcm(clips: Float32Array | readonly Float32Array[], sampleRate: number, onClip?: (index: number) => void): Promise<PcmPlayback> {
  const list = clips instanceof Float32Array ? [clips] : clips;
  const ctx = audioContext();
  await ctx.resume();
  const total = list.reduce((n, c) => n + c.length, 0);
  const buffer = ctx.createBuffer(1, Math.max(1, total), sampleRate);
  let at = 0;
  const starts: number[] = [];
  for (const c of list) {
    starts.push(at / sampleRate);
    buffer.copyToChannel(new Float32Array(c), 0, at);
    at += c.length;
  }
  const now = ctx.currentTime;
  if (current) {
    current.gain.gain.setTargetAtTime(0, now, FADE / 3);
    current.source.stop(now + FADE * 2);
  }
  const source = ctx.createBufferSource();
  const gain = ctx.createGain();
  source.buffer = buffer;
  source.connect(gain).connect(ctx.destination);
  gain.gain.setValueAtTime(0, now);
  gain.gain.linearRampToValueAtTime(1, now + 0.005);
  const mine = { source, gain };
  current = mine;
  const timers = onClip ? starts.map((s, i) => window.setTimeout(() => onClip(i), s * 1000)) : [];
  const ended = new Promise<void>((resolve) => {
    source.onended = () => {
      timers.forEach((t) => window.clearTimeout(t));
      if (current === mine) current = undefined;
      resolve();
    };
  });
  source.start(now);
  return {
    stop: () => {
      const t = ctx.currentTime;
      gain.gain.setTargetAtTime(0, t, FADE / 3);
      source.stop(t + FADE * 2);
    },
    ended,
  };
}
