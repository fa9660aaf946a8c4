/**
 * Named error classes shared by every part of Latent Lab.
 *
 * Every message says what went wrong, what was expected versus what was found, and how to fix it,
 * so it can be shown to a learner unchanged. Causes are kept (`error.cause`), never swallowed.
 */

/** Base class: lets callers tell our own, explained errors apart from unexpected crashes. */
export class LatentLabError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A TF.js backend could not be initialised, or an unknown backend name was asked for. */
export class BackendError extends LatentLabError {}

/**
 * A checkpoint (weights manifest, shard or config) is missing, unreachable or does not match what
 * the model expects. `file` or `variable` names the culprit when known.
 */
export class CheckpointError extends LatentLabError {
  readonly file: string | undefined;
  readonly variable: string | undefined;
  constructor(message: string, details: { file?: string; variable?: string; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.file = details.file;
    this.variable = details.variable;
  }
}

/** Input given to a model or function has the wrong shape, size or range. */
export class InvalidInputError extends LatentLabError {}

/** A model was used after `dispose()`. */
export class DisposedError extends LatentLabError {}

/** A training loss became NaN or infinite: the step was not applied, the weights are the last good ones. */
export class TrainingDivergedError extends LatentLabError {}

/** Long work was cancelled through its AbortSignal. */
export class CancelledError extends LatentLabError {
  constructor(what = 'The operation') {
    super(`${what} was cancelled.`);
  }
}

/** Turns anything thrown into a one-line message fit for a status line or an alert. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return 'Unknown error: ' + JSON.stringify(error);
}
