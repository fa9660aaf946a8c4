/**
 * Recording a take from the microphone in the browser, with an optional count-in (and metronome)
 * played on the same AudioContext, so the take's grid is known exactly: the capture worklet
 * (public/audio/capture-worklet.js) stamps every block with its context frame, and the clicks are
 * scheduled at known context times. The browser's own echo cancellation, noise suppression and gain
 * control are turned off (they smear onsets and duck sustained notes).
 *
 * Browser-only (no TF.js); nothing runs at import time, so pages may import it statically.
 */
import { CancelledError, LatentLabError } from '../core/errors';
import type { BeatGrid } from './melody';

/** Why the microphone could not be used (each with its own advice). */
export type MicrophoneProblem = 'insecure' | 'unsupported' | 'denied' | 'no-device' | 'busy' | 'failed';

/** The microphone cannot be used; `problem` says why, the message what to do. */
export class MicrophoneError extends LatentLabError {
  readonly problem: MicrophoneProblem;
  constructor(problem: MicrophoneProblem, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.problem = problem;
  }
}

/** Takes last 1–30 s (the range: long enough for a phrase, short enough to stay quick). */
export const TAKE_SECONDS = { min: 1, max: 30 } as const;
const CAPTURE_WORKLET = '/audio/capture-worklet.js';
/** Seconds of the count-in kept before the first beat (a singer may come in a little early). */
const LEAD_SECONDS = 0.25;

export interface RecordOptions {
  /** Longest take, seconds (1–30); the recording stops by itself there. */
  maxSeconds: number;
  /** Clicks before the take: the grid is then known (tempo, and the bar line after the clicks). */
  countIn?: { qpm: number; beats: number };
  /** Keep clicking through the take (drums); needs `countIn`. */
  metronome?: boolean;
  /** Stop this many seconds after the count-in's end (e.g. 2 bars), besides `maxSeconds`. */
  stopAfter?: number;
  /** The input level of each block (0..1 linear RMS and peak), for a meter. */
  onLevel?(level: { rms: number; peak: number }): void;
  /** Seconds since the take began (negative during the count-in), a few times a second. */
  onTime?(seconds: number): void;
}

/** A finished take: mono samples at the context's rate, and the grid when there was a count-in. */
export interface Take {
  samples: Float32Array;
  sampleRate: number;
  grid?: BeatGrid;
  seconds: number;
}

export interface Recording {
  /** Ends the take now (it is kept). */
  stop(): void;
  /** Throws the take away (`done` rejects with CancelledError). */
  cancel(): void;
  done: Promise<Take>;
  /** The context the clicks play on (taps can read its clock). */
  context: AudioContext;
}

/** getUserMedia's DOMException names → our problems. */
function problemOf(error: unknown): MicrophoneError {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MicrophoneError(
        'denied',
        "The microphone was refused (by you, or by the browser's settings for this site). Allow it from the icon in the address bar and press Record again — or drop an audio file instead.",
        { cause: error },
      );
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MicrophoneError('no-device', 'No microphone was found. Plug one in (or enable it in the system settings) — or drop an audio file instead.', {
        cause: error,
      });
    case 'NotReadableError':
    case 'AbortError':
      return new MicrophoneError(
        'busy',
        'The microphone is there but could not be opened: another program may be using it. Close it and try again — or drop an audio file instead.',
        { cause: error },
      );
    default:
      return new MicrophoneError(
        'failed',
        `The microphone could not be opened (${error instanceof Error ? error.message : String(error)}). Drop an audio file instead.`,
        {
          cause: error,
        },
      );
  }
}

/** Checks that this page may ask for the microphone at all (a plain-http school server may not). */
export function microphoneAvailability(): { ok: true } | { ok: false; error: MicrophoneError } {
  if (typeof window === 'undefined') return { ok: false, error: new MicrophoneError('unsupported', 'There is no microphone outside a browser.') };
  if (!window.isSecureContext) {
    return {
      ok: false,
      error: new MicrophoneError(
        'insecure',
        'Browsers allow the microphone only on secure pages (https://, or http://localhost). This page is plain http, so record on the computer running Latent Lab, use https, or drop an audio file.',
      ),
    };
  }
  if (!navigator.mediaDevices?.getUserMedia || typeof AudioWorkletNode === 'undefined') {
    return { ok: false, error: new MicrophoneError('unsupported', 'This browser cannot record audio here. Drop an audio file instead.') };
  }
  return { ok: true };
}

/** Schedules `count` clicks from `start` (context seconds), one per beat; the first of each bar is higher. */
export function scheduleClicks(context: BaseAudioContext, start: number, qpm: number, count: number, beatsPerBar = 4): void {
  const beat = 60 / qpm;
  for (let k = 0; k < count; k++) {
    const t = start + k * beat;
    const osc = context.createOscillator();
    const gain = context.createGain();
    osc.frequency.value = k % beatsPerBar === 0 ? 1760 : 1320;
    gain.gain.setValueAtTime(0.0001, t);
    gain.gain.exponentialRampToValueAtTime(0.5, t + 0.002);
    gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.03);
    osc.connect(gain).connect(context.destination);
    osc.start(t);
    osc.stop(t + 0.035);
  }
}

/**
 * Opens the microphone and records until `stop()`, `maxSeconds` or `stopAfter`. Call it from a
 * click (the AudioContext needs a user gesture).
 * @throws MicrophoneError (no secure context, no device, permission refused, device busy).
 */
export async function startRecording(options: RecordOptions): Promise<Recording> {
  const available = microphoneAvailability();
  if (!available.ok) throw available.error;
  const maxSeconds = Math.max(TAKE_SECONDS.min, Math.min(TAKE_SECONDS.max, options.maxSeconds));
  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 },
    });
  } catch (error) {
    throw problemOf(error);
  }
  const context = new AudioContext({ latencyHint: 'interactive' });
  const release = (): void => {
    for (const track of stream.getTracks()) track.stop();
    void context.close().catch(() => undefined);
  };
  let node: AudioWorkletNode;
  try {
    await context.resume();
    await context.audioWorklet.addModule(CAPTURE_WORKLET);
    node = new AudioWorkletNode(context, 'latent-lab-capture', { numberOfInputs: 1, numberOfOutputs: 1, channelCount: 1 });
  } catch (error) {
    release();
    throw new MicrophoneError('failed', `Recording could not start (${error instanceof Error ? error.message : String(error)}). Drop an audio file instead.`, {
      cause: error,
    });
  }
  const rate = context.sampleRate;
  const source = context.createMediaStreamSource(stream);
  const mute = context.createGain();
  mute.gain.value = 0;
  source.connect(node).connect(mute).connect(context.destination);

  // The take starts a little after now; with a count-in, the clicks come first.
  const start = context.currentTime + 0.15;
  const beat = options.countIn ? 60 / options.countIn.qpm : 0;
  const downbeat = start + (options.countIn ? options.countIn.beats * beat : 0);
  if (options.countIn) {
    const clicks = options.countIn.beats + (options.metronome ? Math.ceil(((options.stopAfter ?? maxSeconds) + 0.01) / beat) : 0);
    scheduleClicks(context, start, options.countIn.qpm, clicks);
  }
  const keepFrom = Math.round((options.countIn ? downbeat - LEAD_SECONDS : start) * rate);
  const endBy = Math.round((downbeat + Math.min(maxSeconds, options.stopAfter ?? maxSeconds)) * rate);

  const chunks: { frame: number; samples: Float32Array }[] = [];
  let settle: { resolve(t: Take): void; reject(e: unknown): void } | undefined;
  const done = new Promise<Take>((resolve, reject) => {
    settle = { resolve, reject };
  });
  let state: 'recording' | 'stopping' | 'over' = 'recording';

  const finish = (): void => {
    state = 'over';
    release();
    let length = 0;
    for (const c of chunks) length += Math.max(0, Math.min(c.frame + c.samples.length, endBy) - Math.max(c.frame, keepFrom));
    const samples = new Float32Array(length);
    let at = 0;
    for (const c of chunks) {
      const from = Math.max(0, keepFrom - c.frame);
      const to = Math.min(c.samples.length, endBy - c.frame);
      if (to > from) {
        samples.set(c.samples.subarray(from, to), at);
        at += to - from;
      }
    }
    const take: Take = { samples, sampleRate: rate, seconds: samples.length / rate };
    if (options.countIn) take.grid = { qpm: options.countIn.qpm, downbeat: downbeat - keepFrom / rate };
    settle?.resolve(take);
  };
  const stop = (): void => {
    if (state !== 'recording') return;
    state = 'stopping';
    node.port.postMessage('stop');
  };

  node.port.onmessage = (event: MessageEvent<{ frame: number; samples: Float32Array } | { done: true }>) => {
    const data = event.data;
    if ('done' in data) {
      if (state === 'stopping') finish();
      return;
    }
    if (state === 'over') return;
    chunks.push(data);
    let sum = 0;
    let peak = 0;
    for (const v of data.samples) {
      sum += v * v;
      peak = Math.max(peak, Math.abs(v));
    }
    options.onLevel?.({ rms: Math.sqrt(sum / Math.max(1, data.samples.length)), peak });
    const end = data.frame + data.samples.length;
    options.onTime?.(end / rate - downbeat);
    if (end >= endBy) stop();
  };

  return {
    stop,
    cancel: () => {
      if (state === 'over') return;
      state = 'over';
      release();
      settle?.reject(new CancelledError('Recording'));
    },
    done,
    context,
  };
}
