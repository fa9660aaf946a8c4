/**
 * The timbre domain's named errors. Each message says what was found, what was expected and what
 * to do, so the lab and the CLI can show it unchanged. Errors of reading audio (not audio, damaged,
 * silent, too long) are lib/sound's (lib/sound/errors.ts).
 */
import { LatentLabError } from '../core/errors';

/** The recording has no pitch: it sounds like noise (or a drum), which a pitch-conditioned model cannot rebuild. */
export class UnpitchedAudioError extends LatentLabError {}

/** The dataset folder is missing, incomplete or from another version. */
export class TimbreDatasetError extends LatentLabError {}

/** A tool the dataset needs (fluidsynth, a soundfont) is not installed. */
export class MissingToolError extends LatentLabError {}
