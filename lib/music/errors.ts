/** Named errors of the music core. Messages say what was wrong and what to do. */
import { LatentLabError } from '../core/errors';

/** The bytes are not a Standard MIDI File, are truncated, or exceed our size limits. */
export class MidiParseError extends LatentLabError {}

/** The MIDI is readable but has no usable content for the task (no notes, no melody, only drums…). */
export class NoMusicError extends LatentLabError {}

/** The music is in a meter the 2-bar models cannot use (they need 4/4). */
export class MeterError extends LatentLabError {}

/** A sequence is not in the form a function needs (e.g. not quantized, bad step numbers). */
export class SequenceError extends LatentLabError {}
