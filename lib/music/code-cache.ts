/**
 * The codes of the user's inputs, kept in the model worker per (input, refinement settings) for one
 * model, so a click that reuses melody A and B (or the drum corners) does not refine them again.
 * Entries may be in flight: a request that needs a code being refined waits for it. Bounded (least
 * recently used goes first); cleared when the model changes.
 */
import { CancelledError } from '../core/errors';

/** A code and how faithfully it rebuilds its input. */
export interface CachedCode {
  z: Float32Array;
  matchingSteps: number;
  totalSteps: number;
  eventSteps: number;
  matchingEventSteps: number;
  refinement?: { distanceSigma: number; steps: number; stopped: 'steps' | 'exact' | 'plateau' };
}

export interface RefineKey {
  steps: number;
  learningRate?: number;
  priorWeight?: number;
}

export class CodeCache {
  private readonly entries = new Map<string, Promise<CachedCode>>();

  constructor(private readonly limit = 64) {}

  /** The key of an input (its converter labels: what the encoder sees) under refinement settings (none: the encoder's μ). */
  static key(labels: ArrayLike<number>, refine: RefineKey | undefined): string {
    const r = refine ? `${refine.steps}/${refine.learningRate ?? ''}/${refine.priorWeight ?? ''}` : 'mu';
    return `${Array.from(labels).join(',')}|${r}`;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The code for `key`, or undefined when there is none yet (or the one in flight was cancelled or
   * failed: the caller computes it anew).
   */
  async get(key: string): Promise<CachedCode | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Most recently used goes to the end.
    this.entries.delete(key);
    this.entries.set(key, entry);
    try {
      return await entry;
    } catch (error) {
      if (error instanceof CancelledError || error instanceof Error) return undefined;
      throw error;
    }
  }

  /** Keeps `code` (a promise while it is computed; a failure removes it). */
  set(key: string, code: Promise<CachedCode>): void {
    this.entries.delete(key);
    this.entries.set(key, code);
    code.catch(() => {
      if (this.entries.get(key) === code) this.entries.delete(key);
    });
    while (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  clear(): void {
    this.entries.clear();
  }
}
