/**
 * A step-based looping player for quantized sequences, on Tone's global Transport.
 *
 * How it works: the Transport calls us once per step (every 16th note at 4 steps per quarter).
 * Each call reads the player's *current* list of sequences, finds the notes starting at this step
 * and schedules them at the callback's `time` (plus the swing delay on odd steps). Because nothing
 * is scheduled further ahead than one step, `setSequences` takes effect at the very next step, so a
 * pattern can be swapped while playing (e.g. a drum "blend" puck) without stopping or stuttering.
 * Tempo changes go through `Transport.bpm`, so they are smooth too.
 *
 * The Transport is a global singleton: starting one LoopPlayer stops any other one that is
 * playing (its `onEnd('stopped')` fires), like radio buttons.
 *
 * Sequences are treated as immutable values (as everywhere in lib/music): pass new objects to
 * `setSequences` rather than editing `notes` in place, because each sequence's step index is cached.
 */
import * as Tone from 'tone';
import { DisposedError, InvalidInputError } from '../core/errors';
import type { QuantizedNote, QuantizedNoteSequence } from '../music/note-sequence';
import { createDrumKit, createMelodySynth, type AudioOutput, type DrumKit, type MelodySynth } from './instruments';
import {
  drumClassOf,
  locateStep,
  noteTiming,
  notesByStep,
  segmentStarts,
  stepSeconds,
  SWING_RANGE,
  swingOffset,
  validateSequences,
  validateSwing,
  validateTempo,
  velocityToGain,
} from './schedule';

/** Which instrument plays the notes. */
export type PlayerKind = 'melody' | 'drums';

/** Why playback ended: it reached the end (not looping) or was stopped/replaced/disposed. */
export type EndReason = 'finished' | 'stopped';

/** Options of {@link LoopPlayer.start}. */
export interface LoopPlayerStartOptions {
  /** `'melody'`: non-drum notes on the melody synth. `'drums'`: every note mapped by pitch to a drum class. */
  kind: PlayerKind;
  /** Tempo in quarter notes per minute (see TEMPO_RANGE, 40–240). */
  qpm: number;
  /** 0..0.5 of a step by which odd steps are delayed. Default 0. */
  swing?: number;
  /** Start again from the first sequence after the last one. Default false. */
  loop?: boolean;
  /** Index of the sequence to start from. Default 0. */
  fromSegment?: number;
  /**
   * Melody only: the voice of each sequence (e.g. a timbre morph: one sound per step of an
   * interpolation); a missing one is the built-in synth. The caller owns and disposes them.
   */
  voices?: readonly (MelodySynth | undefined)[];
  /**
   * Called once per step, in an animation frame aligned with the sound (via `Tone.getDraw()`), with
   * the global step (0 … total−1, from the start of the first sequence) and the sequence's index.
   * Frames that come too late (e.g. in a background tab) are skipped.
   */
  onStep?: (globalStep: number, segmentIndex: number) => void;
  /**
   * Called exactly once per `start`: `'finished'` when a non-looping run has played its last step,
   * `'stopped'` when `stop()`, a new `start()`, another player's start or `dispose()` ended it.
   */
  onEnd?: (reason: EndReason) => void;
}

interface Run {
  readonly kind: PlayerKind;
  readonly stepsPerQuarter: number;
  readonly onStep: ((globalStep: number, segmentIndex: number) => void) | undefined;
  readonly onEnd: ((reason: EndReason) => void) | undefined;
  /** Transport event id of the per-step repeat, or undefined once cleared. */
  eventId: number | undefined;
  /** Next global step to play. */
  step: number;
  ended: boolean;
  fallbackTimer: ReturnType<typeof setTimeout> | undefined;
}

/** Slack after the last step before the timer fallback ends a run whose Draw frame was skipped. */
const END_FALLBACK_SECONDS = 0.3;

/**
 * Plays a list of quantized sequences one after another, optionally looping. Creates its
 * instruments lazily on the first `start` (never in the constructor), and owns them: call
 * `dispose()` when the page unmounts. Call `startAudio()` from a user gesture before `start`.
 */
export class LoopPlayer {
  private sequences: readonly QuantizedNoteSequence[] = [];
  private readonly stepIndex = new WeakMap<QuantizedNoteSequence, QuantizedNote[][]>();
  private run: Run | undefined;
  private qpm: number = 120;
  private swing: number = SWING_RANGE.default;
  private looping = false;
  private kit: DrumKit | undefined;
  private synth: MelodySynth | undefined;
  private voices: readonly (MelodySynth | undefined)[] = [];
  private disposed = false;
  /** The player currently driving the global Transport, if any. */
  private static active: LoopPlayer | undefined;

  /** @param output where the instruments play (default: Tone's destination). Nothing is created yet. */
  constructor(private readonly output?: AudioOutput) {}

  /** True from `start` until the run ends (finished or stopped). */
  get playing(): boolean {
    return this.run !== undefined && !this.run.ended;
  }

  /**
   * Starts playing `seqs` one after another (a previous run of this or any other LoopPlayer is
   * stopped first, firing its `onEnd('stopped')`). Starts a few milliseconds from now (Tone's
   * look-ahead). If the AudioContext is still suspended, sound starts once it resumes.
   *
   * @throws InvalidInputError on bad tempo/swing/fromSegment, an empty list or mixed step resolutions.
   * @throws DisposedError after `dispose()`.
   */
  start(seqs: readonly QuantizedNoteSequence[], options: LoopPlayerStartOptions): void {
    if (this.disposed) throw new DisposedError('This LoopPlayer was disposed; create a new one to play again.');
    const stepsPerQuarter = seqs[0]?.quantizationInfo.stepsPerQuarter ?? 4;
    validateSequences(seqs, stepsPerQuarter);
    const qpm = validateTempo(options.qpm);
    const swing = validateSwing(options.swing ?? SWING_RANGE.default);
    const from = options.fromSegment ?? 0;
    if (!Number.isInteger(from) || from < 0 || from >= seqs.length) {
      throw new InvalidInputError(`fromSegment must be a sequence index 0–${seqs.length - 1}; got ${from}.`);
    }
    const transport = Tone.getTransport();
    const ticksPerStep = transport.PPQ / stepsPerQuarter;
    if (!Number.isInteger(ticksPerStep)) {
      throw new InvalidInputError(
        `Cannot play ${stepsPerQuarter} steps per quarter: the Transport's ${transport.PPQ} ticks per quarter do not divide evenly. Use 1, 2, 3, 4, 6, 8, 12 or 16.`,
      );
    }

    this.stop();
    if (LoopPlayer.active && LoopPlayer.active !== this) LoopPlayer.active.stop();
    LoopPlayer.active = this;

    this.sequences = seqs;
    this.qpm = qpm;
    this.swing = swing;
    this.looping = options.loop ?? false;
    this.voices = options.voices ?? [];
    if (options.kind === 'drums') this.kit ??= createDrumKit(this.output);
    else this.synth ??= createMelodySynth(this.output);

    const run: Run = {
      kind: options.kind,
      stepsPerQuarter,
      onStep: options.onStep,
      onEnd: options.onEnd,
      eventId: undefined,
      step: segmentStarts(seqs)[from] ?? 0,
      ended: false,
      fallbackTimer: undefined,
    };
    this.run = run;
    transport.stop();
    transport.bpm.value = qpm;
    run.eventId = transport.scheduleRepeat((time) => this.tick(run, time), `${ticksPerStep}i`, 0);
    transport.start();
  }

  /** Stops playback now (ringing melody notes are released) and fires `onEnd('stopped')`. Safe when idle. */
  stop(): void {
    const run = this.run;
    if (!run || run.ended) return;
    const now = Tone.now();
    this.kit?.silence(now);
    this.synth?.silence(now);
    for (const v of this.voices) v?.silence(now);
    this.stopRun();
  }

  /**
   * Replaces the sequences being played. While playing, the next step already uses them (the
   * position is kept, wrapping if the new list is shorter), which is how a blend control swaps a
   * drum pattern live. Sequences must use the same steps per quarter as the running ones.
   * @throws InvalidInputError on an empty list or a different step resolution.
   */
  setSequences(seqs: readonly QuantizedNoteSequence[]): void {
    const spq = this.run?.stepsPerQuarter ?? seqs[0]?.quantizationInfo.stepsPerQuarter ?? 4;
    validateSequences(seqs, spq);
    this.sequences = seqs;
  }

  /** Changes the tempo (quarter notes per minute, 40–240), live if playing. @throws InvalidInputError */
  setTempo(qpm: number): void {
    this.qpm = validateTempo(qpm);
    if (this.playing && LoopPlayer.active === this) Tone.getTransport().bpm.value = this.qpm;
  }

  /** Changes the swing (0..0.5 of a step), from the next step on. @throws InvalidInputError */
  setSwing(swing: number): void {
    this.swing = validateSwing(swing);
  }

  /** Turns looping on or off; turning it off lets the current pass play to its end. */
  setLoop(loop: boolean): void {
    this.looping = loop;
  }

  /** Stops playback and releases the instruments. Idempotent; the player cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.disposed = true;
    this.kit?.dispose();
    this.synth?.dispose();
    this.kit = undefined;
    this.synth = undefined;
  }

  /** The per-step Transport callback: plays the notes of one step at `time` (AudioContext seconds). */
  private tick(run: Run, time: number): void {
    if (run !== this.run || run.ended) return; // stale schedule from an earlier start
    const seqs = this.sequences;
    const total = seqs.reduce((sum, s) => sum + s.totalQuantizedSteps, 0);
    if (run.step >= total && !this.looping) {
      this.finish(run, time);
      return;
    }
    const { segment, localStep, globalStep } = locateStep(seqs, run.step);
    run.step = globalStep + 1;
    const seq = seqs[segment];
    if (!seq) return;
    const sec = stepSeconds(this.qpm, run.stepsPerQuarter);
    const at = time + swingOffset(localStep, this.swing, sec);
    for (const note of this.notesAt(seq, localStep)) {
      const velocity = velocityToGain(note.velocity);
      if (run.kind === 'drums') {
        const drumClass = drumClassOf(note.pitch);
        if (drumClass !== undefined) this.kit?.trigger(drumClass, at, velocity);
      } else if (!note.isDrum) {
        const { duration } = noteTiming(localStep, note.quantizedEndStep, this.swing, sec);
        (this.voices[segment] ?? this.synth)?.trigger(note.pitch, at, duration, velocity);
      }
    }
    const onStep = run.onStep;
    if (onStep) {
      Tone.getDraw().schedule(() => {
        if (this.run === run && !run.ended) onStep(globalStep, segment);
      }, at);
    }
  }

  /** A non-looping run reached its end at `time`: stop stepping, end the run when that time comes. */
  private finish(run: Run, time: number): void {
    if (run.eventId !== undefined) Tone.getTransport().clear(run.eventId);
    run.eventId = undefined;
    const end = (): void => {
      if (this.run === run) this.stopRun('finished');
    };
    Tone.getDraw().schedule(end, time);
    // Draw skips frames that come too late (background tabs), so a timer makes sure the run ends.
    const delayMs = Math.max(0, (time - Tone.getContext().currentTime + END_FALLBACK_SECONDS) * 1000);
    run.fallbackTimer = setTimeout(end, delayMs);
  }

  /** Ends the current run (if any): clears its schedule, stops the Transport, fires onEnd once. */
  private stopRun(reason: EndReason = 'stopped'): void {
    const run = this.run;
    if (!run || run.ended) return;
    run.ended = true;
    this.run = undefined;
    clearTimeout(run.fallbackTimer);
    const transport = Tone.getTransport();
    if (run.eventId !== undefined) transport.clear(run.eventId);
    run.eventId = undefined;
    if (LoopPlayer.active === this) {
      transport.stop();
      LoopPlayer.active = undefined;
    }
    run.onEnd?.(reason);
  }

  private notesAt(seq: QuantizedNoteSequence, localStep: number): readonly QuantizedNote[] {
    let byStep = this.stepIndex.get(seq);
    if (!byStep) {
      byStep = notesByStep(seq);
      this.stepIndex.set(seq, byStep);
    }
    return byStep[localStep] ?? [];
  }
}
