/**
 * The timbre domain's named errors. Each message says what was found, what was expected and what
 * to do, so the lab and the CLI can show it unchanged.
 */
import { LatentLabError } from '../core/errors';

/** The bytes are not audio the timbre tools can read (not a WAV file, a damaged one, an encoding not read). */
export class AudioFileError extends LatentLabError {}

/** The recording is (almost) silent: nothing to encode. */
export class SilentAudioError extends LatentLabError {}

/** The recording has no pitch: it sounds like noise (or a drum), which a pitch-conditioned model cannot rebuild. */
export class UnpitchedAudioError extends LatentLabError {}

/** The recording is longer than the timbre tools accept. */
export class AudioTooLongError extends LatentLabError {}

/** The dataset folder is missing, incomplete or from another version. */
export class TimbreDatasetError extends LatentLabError {}

/** A tool the dataset needs (fluidsynth, a soundfont) is not installed. */
export class MissingToolError extends LatentLabError {}
