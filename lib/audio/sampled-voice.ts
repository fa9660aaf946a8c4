/**
 * A melody voice from rendered notes: one recorded (or decoded) note per pitch, played as is — no
 * resampling, each pitch was made at its own pitch (the timbre lab's decoder renders every pitch a
 * melody uses). A note is cut at its written length with a short fade, never longer than its sound.
 * Implements {@link MelodySynth}, so the LoopPlayer plays it like its own synth.
 */
import * as Tone from 'tone';
import { createBus, type AudioOutput, type MelodySynth } from './instruments';

/** A sound as rendered notes: MIDI pitch → mono samples at `sampleRate` (one note per pitch). */
export interface SampledNotes {
  notes: ReadonlyMap<number, Float32Array>;
  sampleRate: number;
}

/** Seconds of fade at a note's end (no click). */
const RELEASE = 0.06;

/**
 * A voice playing `notes` (MIDI pitch → mono samples at `sampleRate`). Pitches it lacks are silent.
 * Create it in the context it plays in; the caller disposes it.
 */
export function createSampledVoice(notes: ReadonlyMap<number, Float32Array>, sampleRate: number, output?: AudioOutput): MelodySynth {
  const bus = createBus(0.9, output);
  const context = Tone.getContext();
  const buffers = new Map<number, Tone.ToneAudioBuffer>();
  for (const [pitch, samples] of notes) {
    const raw = context.createBuffer(1, Math.max(1, samples.length), sampleRate);
    raw.copyToChannel(new Float32Array(samples), 0);
    buffers.set(pitch, new Tone.ToneAudioBuffer(raw));
  }
  const sounding = new Set<Tone.ToneBufferSource>();
  let disposed = false;
  return {
    trigger(pitch, time, duration, velocity) {
      const buffer = buffers.get(pitch);
      if (disposed || !buffer || !(velocity > 0) || !(duration > 0)) return;
      const source = new Tone.ToneBufferSource({ url: buffer, fadeIn: 0.003, fadeOut: RELEASE }).connect(bus.input);
      sounding.add(source);
      // An offline context (a WAV render) runs every callback of its clock before it renders any
      // audio: disposing there would silence the note. Its sources go with the voice's dispose().
      if (!context.isOffline)
        source.onended = () => {
          sounding.delete(source);
          source.dispose();
        };
      source.start(time, 0, Math.min(buffer.duration, duration + RELEASE), Math.min(1, velocity));
    },
    silence(time) {
      for (const s of sounding) s.stop(time ?? Tone.now());
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const s of sounding) s.dispose();
      sounding.clear();
      for (const b of buffers.values()) b.dispose();
      for (const n of bus.nodes) n.dispose();
    },
  };
}
