/**
 * Named errors of audio analysis. Each message says what was found, what was expected and what to
 * do, so the lab can show it as is (and keep what was on screen) and the CLI can print it.
 */
import { LatentLabError } from '../core/errors';

/**
 * The bytes are not an audio file we can read: empty, a MIDI file renamed `.wav`, a picture, text,
 * or a container we do not decode (the message names what the first bytes look like).
 */
export class AudioFormatError extends LatentLabError {
  /** What the bytes look like, e.g. `'midi'`, `'empty'`, `'unknown'`. */
  readonly found: string;
  constructor(message: string, found: string, options?: { cause?: unknown }) {
    super(message, options);
    this.found = found;
  }
}

/** The file says it is WAV/FLAC/MP3/OGG but its data is damaged or truncated. */
export class AudioDecodeError extends LatentLabError {}

/** The audio is longer (or larger) than transcription accepts; the message states the limit. */
export class AudioTooLongError extends LatentLabError {
  readonly seconds: number;
  readonly limitSeconds: number;
  constructor(message: string, seconds: number, limitSeconds: number) {
    super(message);
    this.seconds = seconds;
    this.limitSeconds = limitSeconds;
  }
}

/** The audio is too short to hold a note or a hit. */
export class AudioTooShortError extends LatentLabError {}

/** The take is silent (or nearly so): the message gives its peak level in dBFS. */
export class SilentAudioError extends LatentLabError {
  readonly peakDb: number;
  constructor(message: string, peakDb: number) {
    super(message);
    this.peakDb = peakDb;
  }
}

/** The take has sound but no pitched note was heard (noise, breath, a room). */
export class NoPitchError extends LatentLabError {}

/** Notes were heard, but none inside the range the melody models read (the message gives both). */
export class NoNotesInRangeError extends LatentLabError {}

/** No drum-like hit (a short burst of sound) was found in a groove take. */
export class NoHitsError extends LatentLabError {}

/** A tempo, beat time or grid option is unusable (not finite, outside the range, before the take…). */
export class TempoError extends LatentLabError {}

/** The transcription model files are missing, damaged or not the model we expect. */
export class TranscriptionModelError extends LatentLabError {}
