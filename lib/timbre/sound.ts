/**
 * From any recording of one note to what the timbre model takes: mono, 16 kHz, starting at the
 * note's onset, exactly 1.28 s long, with its pitch and loudness measured — or a named error that
 * says why not (silence, noise, too long, a chord is only a note: the strongest pitch is used).
 * Plain JavaScript, for the lab (a dropped file, the microphone) and the CLI alike. Decoding, mixing
 * to mono and resampling are lib/sound's (decode.ts / decode-browser.ts, pcm.ts, resample.ts).
 */
import { AudioTooLongError, SilentAudioError } from '../sound/errors';
import { checkSampleRate, peakDb, type PcmAudio } from '../sound/pcm';
import { resample } from '../sound/resample';
import { frameRms, peakLoudnessDb } from './dsp';
import { UnpitchedAudioError } from './errors';
import { estimatePitch } from './pitch';
import { MAX_INPUT_SECONDS, MAX_PITCH, MIN_PITCH, NOTE_SAMPLES, pitchName, SAMPLE_RATE, SILENCE_DB } from './spec';
import type { NoteConditions } from './timbre-model';

/** Below this share of energy on one harmonic series, a recording counts as unpitched (noise, drums). */
export const MIN_HARMONICITY = 0.3;

/** A recording turned into one model-ready note. */
export interface PreparedNote {
  /** {@link NOTE_SAMPLES} samples at 16 kHz, from just before the onset. */
  samples: Float32Array;
  conditions: NoteConditions;
  /** The measured pitch as a fractional MIDI number. */
  pitch: number;
  /** Other pitches heard at the same time (a chord); empty for one note. */
  otherPitches: number[];
  harmonicity: number;
  /** What was done to the recording, in words (mixed, resampled, trimmed, cut, chord…). */
  notes: string[];
}

/**
 * Prepares a mono recording (any sample rate from 8 to 192 kHz; mix several channels first with
 * lib/sound/pcm's `mixToMono` — the file decoders do) as one note for the timbre model. `name`
 * appears in messages. `audio.channels`, when given (lib/sound's `decodeAudio` gives it), is how
 * many channels the file had, for the notes. `audio` is not changed.
 *
 * @throws {AudioTooLongError} over {@link MAX_INPUT_SECONDS} seconds;
 * @throws {SilentAudioError} when there are no samples or the loudest 46-ms stretch is below −60 dBFS;
 * @throws {UnpitchedAudioError} when no harmonic series holds at least 30% of the energy (noise, a drum);
 * @throws {InvalidInputError} for a sample rate outside 8–192 kHz.
 */
export function prepareNote(audio: PcmAudio & { channels?: number }, name = 'The recording'): PreparedNote {
  const notes: string[] = [];
  if ((audio.channels ?? 1) > 1) notes.push(`mixed ${audio.channels} channels to mono`);
  checkSampleRate(audio.sampleRate, name);
  if (audio.samples.length === 0) throw new SilentAudioError(`${name} has no samples at all. Record or choose one note.`, -Infinity);
  const seconds = audio.samples.length / audio.sampleRate;
  if (seconds > MAX_INPUT_SECONDS + 1e-9)
    throw new AudioTooLongError(
      `${name} is ${seconds.toFixed(2)} s long; the timbre tools take one note of at most ${MAX_INPUT_SECONDS} s (the model uses the first 1.28 s after the onset). Cut it to one note first.`,
      seconds,
      MAX_INPUT_SECONDS,
    );
  let mono = audio.samples;
  if (audio.sampleRate !== SAMPLE_RATE) {
    mono = resample(mono, audio.sampleRate, SAMPLE_RATE);
    notes.push(`resampled from ${audio.sampleRate} Hz to ${SAMPLE_RATE} Hz`);
  }
  const rms = frameRms(mono);
  let loudest = 0;
  for (const v of rms) loudest = Math.max(loudest, v);
  const level = 20 * Math.log10(Math.max(loudest, 1e-9));
  if (level < SILENCE_DB)
    throw new SilentAudioError(
      `${name} is silent: ${loudest === 0 ? 'every sample is 0' : `its loudest moment is ${level.toFixed(0)} dBFS`}, below the ${SILENCE_DB} dBFS a note needs. Record closer or louder.`,
      peakDb(mono),
    );
  // The onset: the first sample above 2% of the peak; the note starts 5 ms before it (as in the dataset).
  let peak = 0;
  for (const v of mono) peak = Math.max(peak, Math.abs(v));
  const onset = mono.findIndex((v) => Math.abs(v) >= 0.02 * peak);
  const start = Math.max(0, onset - 80);
  if (start > 0.02 * SAMPLE_RATE) notes.push(`skipped ${(start / SAMPLE_RATE).toFixed(2)} s of silence before the note`);
  const samples = new Float32Array(NOTE_SAMPLES);
  const body = mono.subarray(start, start + NOTE_SAMPLES);
  samples.set(body);
  if (mono.length - start > NOTE_SAMPLES) notes.push(`used the first ${(NOTE_SAMPLES / SAMPLE_RATE).toFixed(2)} s after the onset`);
  else if (body.length < NOTE_SAMPLES) notes.push(`padded with silence to ${(NOTE_SAMPLES / SAMPLE_RATE).toFixed(2)} s`);
  const estimate = estimatePitch(samples);
  if (!estimate || estimate.harmonicity < MIN_HARMONICITY) {
    throw new UnpitchedAudioError(
      `${name} has no clear pitch (only ${Math.round((estimate?.harmonicity ?? 0) * 100)}% of its energy lies on one harmonic series; a pitched note has over ${Math.round(MIN_HARMONICITY * 100)}%). ` +
        'It sounds like noise or a drum; the timbre model rebuilds pitched notes. Record one sung or played note.',
    );
  }
  if (estimate.otherPitches.length > 0) {
    notes.push(
      `this sounds like a chord (${[estimate.midi, ...estimate.otherPitches].map(pitchName).join(' + ')}); the timbre model takes one note, so it used ${pitchName(estimate.midi)}, the strongest`,
    );
  }
  if (estimate.midi < MIN_PITCH - 0.5 || estimate.midi > MAX_PITCH + 0.5) {
    notes.push(
      `its pitch ${pitchName(estimate.midi)} is outside the ${pitchName(MIN_PITCH)}–${pitchName(MAX_PITCH)} the model was trained on; expect a rougher copy`,
    );
  }
  return {
    samples,
    conditions: { f0Hz: estimate.hz, loudnessDb: peakLoudnessDb(samples) },
    pitch: estimate.midi,
    otherPitches: estimate.otherPitches,
    harmonicity: estimate.harmonicity,
    notes,
  };
}
