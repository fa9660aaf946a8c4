/**
 * Synthesized instruments (no sample downloads): a 9-sound drum kit for Magenta's drum classes
 * and a soft polyphonic synth for melodies.
 *
 * Nothing is created when this module loads: every Tone node is made inside the factory calls, in
 * whatever context is global at that moment (the realtime one, or the offline one inside
 * `Tone.Offline`, which is how `render.ts` reuses the very same sounds). The caller owns what a
 * factory returns and must call its `dispose()` (safe to call twice).
 */
import * as Tone from 'tone';

/** Where an instrument can be connected: a Tone node, a Web Audio node or a parameter. */
export type AudioOutput = Parameters<Tone.ToneAudioNode['connect']>[0];

/** A drum kit: one synthesized sound per drum class (0 kick … 8 ride, see `DRUM_CLASS_NAMES`). */
export interface DrumKit {
  /**
   * Plays drum class `drumClass` (0..8) at AudioContext time `time` (seconds; use the scheduling
   * callback's `time`), with loudness `velocity` 0..1. Unknown classes and a second hit of the same
   * class at the same (or an earlier) time are ignored, since one synth cannot start twice at once.
   */
  trigger(drumClass: number, time: number, velocity: number): void;
  /** Fades every sound out quickly from `time` (seconds, default now); used when playback stops. */
  silence(time?: number): void;
  /** Releases every node. Idempotent; the kit is silent and unusable afterwards. */
  dispose(): void;
}

/** A polyphonic melody synth. */
export interface MelodySynth {
  /**
   * Plays MIDI `pitch` (60 = middle C) at AudioContext time `time` for `duration` seconds with
   * loudness `velocity` 0..1. Pitches outside 0–127 and zero velocities are ignored.
   */
  trigger(pitch: number, time: number, duration: number, velocity: number): void;
  /** Releases every sounding note at `time` (seconds, default now); used when playback stops. */
  silence(time?: number): void;
  /** Releases every node. Idempotent; the synth is silent and unusable afterwards. */
  dispose(): void;
}

/** Frequency in Hz of a MIDI pitch (A4 = 69 = 440 Hz, 12 equal steps per octave). */
export function midiToHz(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

/** Level below which {@link softClip} leaves samples untouched. */
const SOFT_CLIP_KNEE = 0.7;

/**
 * The bus's safety net: identity up to ±0.7, then a tanh curve that bends smoothly towards
 * ±0.92 at full scale. A WaveShaper clamps inputs beyond ±1 to the curve's ends, so the bus
 * output can never reach 1 (never clips a WAV), however many sounds pile up.
 */
export function softClip(x: number): number {
  const a = Math.abs(x);
  if (a <= SOFT_CLIP_KNEE) return x;
  const room = 1 - SOFT_CLIP_KNEE - 0.02;
  return Math.sign(x) * (SOFT_CLIP_KNEE + room * Math.tanh((Math.min(a, 1) - SOFT_CLIP_KNEE) / room));
}

/**
 * A kit/synth bus: voices → gain → soft clipper → output. The gains are set so that even all
 * nine drums hit at once stay (almost) in the clipper's linear range; the clipper guarantees the
 * output never reaches full scale. (No compressor: the browser's DynamicsCompressorNode ducks the
 * first hits after it is created and adds make-up gain, which made levels inconsistent.)
 */
/** A soft-clipped bus at `gain` into `output` (default: the destination); the caller disposes its nodes. */
export function createBus(gain: number, output: AudioOutput | undefined): { input: Tone.Gain; nodes: Tone.ToneAudioNode[] } {
  const input = new Tone.Gain(gain);
  const clipper = new Tone.WaveShaper(softClip, 4097);
  input.connect(clipper);
  clipper.connect(output ?? Tone.getDestination());
  return { input, nodes: [input, clipper] };
}

interface DrumVoice {
  play(time: number, velocity: number): void;
  release(time: number): void;
}

/**
 * Creates the drum kit, connected to `output` (default: the global context's destination).
 * The sounds: kick = deep pitch-dropping membrane; snare = bright filtered noise plus a short body
 * tone; closed/open hat = short/long metallic noise; low/mid/high tom = membranes at three pitches;
 * crash = long, wide metallic wash; ride = a higher, more pitched ping. The caller disposes it.
 */
export function createDrumKit(output?: AudioOutput): DrumKit {
  const bus = createBus(0.3, output);
  const nodes: Tone.ToneAudioNode[] = [...bus.nodes];
  const own = <T extends Tone.ToneAudioNode>(node: T): T => {
    nodes.push(node);
    return node;
  };

  const membrane = (hz: number, opts: { pitchDecay: number; octaves: number; decay: number; volume: number }): DrumVoice => {
    const synth = own(
      new Tone.MembraneSynth({
        pitchDecay: opts.pitchDecay,
        octaves: opts.octaves,
        volume: opts.volume,
        oscillator: { type: 'sine' },
        envelope: { attack: 0.001, decay: opts.decay, sustain: 0, release: 0.05 },
      }),
    ).connect(bus.input);
    return {
      play: (time, velocity) => synth.triggerAttackRelease(hz, opts.decay, time, velocity),
      release: (time) => synth.triggerRelease(time),
    };
  };

  const metal = (
    hz: number,
    opts: { harmonicity: number; modulationIndex: number; resonance: number; octaves: number; decay: number; volume: number },
  ): DrumVoice => {
    const synth = own(
      new Tone.MetalSynth({
        harmonicity: opts.harmonicity,
        modulationIndex: opts.modulationIndex,
        resonance: opts.resonance,
        octaves: opts.octaves,
        volume: opts.volume,
        envelope: { attack: 0.001, decay: opts.decay, release: 0.02 },
      }),
    ).connect(bus.input);
    return {
      play: (time, velocity) => synth.triggerAttackRelease(hz, opts.decay, time, velocity),
      release: (time) => synth.triggerRelease(time),
    };
  };

  const snare = (): DrumVoice => {
    const filter = own(new Tone.Filter({ type: 'highpass', frequency: 1200, Q: 0.7 })).connect(bus.input);
    const noise = own(
      new Tone.NoiseSynth({ noise: { type: 'white' }, volume: -10, envelope: { attack: 0.001, decay: 0.16, sustain: 0, release: 0.03 } }),
    ).connect(filter);
    const body = own(
      new Tone.MembraneSynth({ pitchDecay: 0.02, octaves: 1.5, volume: -12, envelope: { attack: 0.001, decay: 0.09, sustain: 0, release: 0.03 } }),
    ).connect(bus.input);
    return {
      play: (time, velocity) => {
        noise.triggerAttackRelease(0.16, time, velocity);
        body.triggerAttackRelease(185, 0.09, time, velocity);
      },
      release: (time) => {
        noise.triggerRelease(time);
        body.triggerRelease(time);
      },
    };
  };

  const voices: DrumVoice[] = [
    membrane(48, { pitchDecay: 0.045, octaves: 5, decay: 0.42, volume: -4 }), // kick
    snare(),
    metal(420, { harmonicity: 5.1, modulationIndex: 32, resonance: 7000, octaves: 1.2, decay: 0.045, volume: -16 }), // closed hat
    metal(420, { harmonicity: 5.1, modulationIndex: 32, resonance: 6000, octaves: 1.5, decay: 0.42, volume: -21 }), // open hat
    membrane(92, { pitchDecay: 0.07, octaves: 2, decay: 0.38, volume: -8 }), // low tom
    membrane(130, { pitchDecay: 0.06, octaves: 2, decay: 0.32, volume: -9 }), // mid tom
    membrane(185, { pitchDecay: 0.05, octaves: 2, decay: 0.26, volume: -10 }), // high tom
    metal(300, { harmonicity: 5.4, modulationIndex: 48, resonance: 4200, octaves: 2.2, decay: 1.3, volume: -26 }), // crash
    metal(720, { harmonicity: 8.3, modulationIndex: 14, resonance: 8500, octaves: 0.8, decay: 0.7, volume: -25 }), // ride
  ];
  const lastHit = voices.map(() => Number.NEGATIVE_INFINITY);
  let disposed = false;

  return {
    trigger(drumClass, time, velocity) {
      if (disposed) return;
      const voice = voices[drumClass];
      const last = lastHit[drumClass];
      if (!voice || last === undefined || !(velocity > 0) || time <= last) return;
      lastHit[drumClass] = time;
      voice.play(time, Math.min(1, velocity));
    },
    silence(time) {
      if (disposed) return;
      const at = time ?? Tone.now();
      for (const v of voices) v.release(at);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const node of nodes) node.dispose();
    },
  };
}

/**
 * Creates a soft melody synth (a PolySynth of triangle-wave voices with a gentle attack and a
 * lowpass filter taking the edge off) on a soft-clipped bus, connected to `output` (default: the global destination).
 * The caller disposes it.
 */
export function createMelodySynth(output?: AudioOutput): MelodySynth {
  const bus = createBus(0.55, output);
  const filter = new Tone.Filter({ type: 'lowpass', frequency: 2600, Q: 0.5 });
  filter.connect(bus.input);
  const poly = new Tone.PolySynth({
    voice: Tone.Synth,
    maxPolyphony: 16,
    options: {
      volume: -10,
      oscillator: { type: 'triangle' },
      envelope: { attack: 0.012, decay: 0.25, sustain: 0.45, release: 0.5 },
    },
  });
  poly.connect(filter);
  const nodes: Tone.ToneAudioNode[] = [poly, filter, ...bus.nodes];
  let disposed = false;

  return {
    trigger(pitch, time, duration, velocity) {
      if (disposed || !(velocity > 0) || !(duration > 0) || pitch < 0 || pitch > 127) return;
      poly.triggerAttackRelease(midiToHz(pitch), duration, time, Math.min(1, velocity));
    },
    silence(time) {
      if (disposed) return;
      poly.releaseAll(time);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const node of nodes) node.dispose();
    },
  };
}
