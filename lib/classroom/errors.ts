/**
 * The classroom's one error type. Each carries an API error code and the HTTP status it maps to;
 * the message is written for the person who will read it (what is wrong and what to do).
 */
import { ERROR_STATUS, type ErrorCode } from './schema';

export class ClassroomError extends Error {
  readonly code: ErrorCode;
  /** For 429 and 503: when to try again. */
  readonly retryAfterSeconds: number | undefined;
  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryAfterSeconds?: number } = {}) {
    super(message, { cause: options.cause });
    this.name = 'ClassroomError';
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/**
 * The database could not be reached or was busy for too long. Stores throw this (never a driver
 * error) for conditions that pass by themselves; the API answers 503 with a retry hint.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}
