/**
 * Offline rendering to a WAV file: the same instruments and the same timing as the realtime
 * player (both use `sequenceEvents`/`schedule.ts` rules), rendered faster than realtime with
 * `Tone.Offline`. Needs no user gesture and works in a headless browser.
 *
 * Side effect to know about: `Tone.Offline` looks up the global context first, so in a browser it
 * uses (and, if needed, creates) Tone's suspended realtime context, then restores it afterwards.
 */
import * as Tone from 'tone';
import type { QuantizedNoteSequence } from '../music/note-sequence';
import { createDrumKit, createMelodySynth, type MelodySynth } from './instruments';
import type { PlayerKind } from './player';
import { createSampledVoice, type SampledNotes } from './sampled-voice';
import { drumClassOf, sequenceEvents, SWING_RANGE } from './schedule';
import { audioStats, encodeWav } from './wav';

/** Sample rate of rendered files, in Hz. */
export const RENDER_SAMPLE_RATE = 44100;

/** Seconds of silence-or-ringing rendered after the last step so releases and cymbals can decay. */
export const RENDER_TAIL_SECONDS = 1.5;

/** Options of {@link renderWav}. */
export interface RenderOptions {
  /** `'melody'`: non-drum notes on the melody synth. `'drums'`: every note mapped by pitch to a drum class. */
  kind: PlayerKind;
  /** Tempo in quarter notes per minute (see TEMPO_RANGE, 40–240). */
  qpm: number;
  /** 0..0.5 of a step by which odd steps are delayed. Default 0. */
  swing?: number;
  /**
   * Melody: the sound of each sequence as rendered notes (e.g. the timbre lab's decoder, one note per
   * pitch), as the realtime player's voices: a sequence without one uses the synth, a pitch a sound
   * lacks is silent. Sequences given the same object share one voice.
   */
  voices?: readonly (SampledNotes | undefined)[];
}

/** A rendered file and its loudness. */
export interface RenderResult {
  /** A complete 44.1 kHz, 16-bit, stereo PCM WAV file (new bytes, owned by the caller). */
  wav: Uint8Array;
  /** Length of the audio in seconds (the music plus {@link RENDER_TAIL_SECONDS}). */
  seconds: number;
  /** Largest absolute sample, 0..1 (1 = full scale). */
  peak: number;
  /** Root-mean-square level over all samples, 0..1. */
  rms: number;
}

/**
 * Renders `seqs`, played one after another at `qpm` with `swing`, to a stereo 44.1 kHz WAV.
 * Creates its instruments inside the offline context and disposes them when done.
 *
 * @throws InvalidInputError on bad tempo/swing, an empty list or mixed step resolutions (before any audio work).
 */
export async function renderWav(seqs: readonly QuantizedNoteSequence[], options: RenderOptions): Promise<RenderResult> {
  const stepsPerQuarter = seqs[0]?.quantizationInfo.stepsPerQuarter;
  const schedule = sequenceEvents(seqs, { qpm: options.qpm, swing: options.swing ?? SWING_RANGE.default, ...(stepsPerQuarter ? { stepsPerQuarter } : {}) });
  const seconds = schedule.totalSeconds + RENDER_TAIL_SECONDS;
  const disposers: (() => void)[] = [];
  try {
    const buffer = await Tone.Offline(
      () => {
        if (options.kind === 'drums') {
          const kit = createDrumKit();
          disposers.push(() => kit.dispose());
          for (const e of schedule.events) {
            const drumClass = e.drumClass ?? drumClassOf(e.pitch);
            if (drumClass !== undefined) kit.trigger(drumClass, e.time, e.velocity);
          }
        } else {
          const synth = createMelodySynth();
          disposers.push(() => synth.dispose());
          const voices = new Map<SampledNotes, MelodySynth>();
          const voiceOf = (segment: number): MelodySynth => {
            const notes = options.voices?.[segment];
            if (!notes) return synth;
            let v = voices.get(notes);
            if (!v) {
              const made = createSampledVoice(notes.notes, notes.sampleRate);
              disposers.push(() => made.dispose());
              voices.set(notes, made);
              v = made;
            }
            return v;
          };
          for (const e of schedule.events) {
            if (!e.isDrum) voiceOf(e.segment).trigger(e.pitch, e.time, e.duration, e.velocity);
          }
        }
      },
      seconds,
      2,
      RENDER_SAMPLE_RATE,
    );
    const channels = Array.from({ length: buffer.numberOfChannels }, (_, c) => buffer.getChannelData(c));
    const { peak, rms } = audioStats(channels);
    return { wav: encodeWav(channels, RENDER_SAMPLE_RATE), seconds: buffer.duration, peak, rms };
  } finally {
    for (const dispose of disposers) dispose();
  }
}
