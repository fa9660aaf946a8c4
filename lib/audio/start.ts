/**
 * Starting audio. Browsers keep an AudioContext `suspended` until the page gets a user gesture
 * (a click, a key press), so {@link startAudio} must be called from such a handler, before the
 * first `LoopPlayer.start`. Headless browsers without a gesture never resume, and some (Safari-like)
 * leave `resume()` pending forever, so we wait at most a short timeout and report `'blocked'`.
 *
 * Note on "no AudioContext at import time": Tone.js 15.5 creates its global (suspended)
 * AudioContext while its own module loads in a browser (its index evaluates `getContext()` for the
 * deprecated `Transport`/`Destination` constants). So once any lib/audio module is imported in a
 * browser a context exists; {@link audioState} never creates one beyond that. Pages that must not
 * create one before a click can load lib/audio with a dynamic `import()` inside the click handler.
 * On the server (SSR) and in Node, importing is safe and no context is ever created.
 */
import * as Tone from 'tone';

/** How long {@link startAudio} waits for the context to resume before reporting `'blocked'`. */
export const START_TIMEOUT_MS = 1500;

/** What {@link startAudio} found. */
export interface StartResult {
  /** `'running'`: sound will play. `'blocked'`: the browser (or no Web Audio at all) prevents it. */
  state: 'running' | 'blocked';
  /** Why it is blocked, in words a learner can read (absent when running). */
  reason?: string;
}

/** True when this environment has Web Audio (a browser window or worker with an AudioContext). */
export function hasWebAudio(): boolean {
  return typeof self === 'object' && self !== null && ('AudioContext' in self || 'webkitAudioContext' in self);
}

/**
 * Resumes Tone's AudioContext. Call it from a user-gesture handler (click/keydown) before playing.
 * Waits at most `timeoutMs` (default {@link START_TIMEOUT_MS}) because `resume()` may never settle
 * when the browser blocks audio. Never throws; a failure is reported as `'blocked'` with a reason.
 */
export async function startAudio(timeoutMs: number = START_TIMEOUT_MS): Promise<StartResult> {
  if (!hasWebAudio()) {
    return { state: 'blocked', reason: 'This browser has no Web Audio support, so sound cannot play here.' };
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  let failure: string | undefined;
  try {
    await Promise.race([Tone.start(), timeout]);
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
  if (Tone.getContext().state === 'running') return { state: 'running' };
  return {
    state: 'blocked',
    reason:
      failure !== undefined
        ? `The browser refused to start audio (${failure}). Click a play button to try again.`
        : 'The browser has not allowed sound yet. Click a play button (or press a key) on the page to start audio.',
  };
}

/**
 * The AudioContext's state without creating one: `'none'` where there is no Web Audio (server,
 * Node); otherwise `'suspended'`, `'running'` or `'closed'` of Tone's global context (which Tone
 * already created when it was imported, see the module note).
 */
export function audioState(): AudioContextState | 'none' {
  if (!hasWebAudio()) return 'none';
  const state = Tone.getContext().state;
  return state === 'running' || state === 'suspended' || state === 'closed' ? state : 'none';
}
