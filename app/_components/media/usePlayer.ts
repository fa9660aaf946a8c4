'use client';
/**
 * Playback for a lab page: one LoopPlayer (lib/audio, loaded on first use so Tone.js never runs at
 * import time or on the server), started from the click that asked for sound. Knows which group of
 * clips is playing and where the playhead is, for the pictures.
 */
import { describeError } from '@/lib/core/errors';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MelodySynth } from '@/lib/audio/instruments';
import type { LoopPlayer } from '@/lib/audio/player';
import { segmentStarts } from '@/lib/audio/schedule';
import type { startAudio as StartAudio } from '@/lib/audio/start';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';

export interface PlayState {
  /** Which clips are playing, e.g. "strip", "a", "variation-3". */
  group: string;
  /** Index of the clip that is sounding, and the step inside it. */
  segment: number;
  step: number;
  /** Steps played since start (grows while looping). */
  ticks: number;
}

export interface PlayOptions {
  kind: 'melody' | 'drums';
  qpm: number;
  loop: boolean;
  swing?: number;
  /** Melody: a voice per clip (see {@link Player.makeVoice}); missing ones use the synth. */
  voices?: readonly (MelodySynth | undefined)[];
}

export interface Player {
  playing: PlayState | undefined;
  /** 'running' once sound is allowed; 'blocked' if the browser refused; 'idle' before the first play. */
  audio: 'idle' | 'running' | 'blocked';
  play(group: string, seqs: readonly QuantizedNoteSequence[], options: PlayOptions): Promise<void>;
  stop(): void;
  /** Swaps what is playing without stopping (e.g. the blend puck moved). */
  swap(seqs: readonly QuantizedNoteSequence[]): void;
  setTempo(qpm: number): void;
  setLoop(loop: boolean): void;
  setSwing(swing: number): void;
  /** A melody voice from rendered notes (pitch → samples at `sampleRate`); the caller disposes it. */
  makeVoice(notes: ReadonlyMap<number, Float32Array>, sampleRate: number): Promise<MelodySynth>;
}

type AudioModules = { startAudio: typeof StartAudio; LoopPlayer: typeof LoopPlayer };

/** Loads lib/audio (Tone.js) once; it creates a suspended AudioContext, which only a click resumes. */
let audioModules: Promise<AudioModules> | undefined;
function loadAudio(): Promise<AudioModules> {
  audioModules ??= Promise.all([import('@/lib/audio/start'), import('@/lib/audio/player')]).then(([start, player]) => ({
    startAudio: start.startAudio,
    LoopPlayer: player.LoopPlayer,
  }));
  audioModules.catch(() => {
    audioModules = undefined;
  });
  return audioModules;
}

export function usePlayer(onError: (message: string) => void): Player {
  const player = useRef<LoopPlayer | undefined>(undefined);
  const modules = useRef<AudioModules | undefined>(undefined);
  const mounted = useRef(true);
  const [playing, setPlaying] = useState<PlayState>();
  const [audio, setAudio] = useState<'idle' | 'running' | 'blocked'>('idle');
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  }, [onError]);

  // Audio code is fetched ahead, so a Play click can start the AudioContext before any await:
  // Safari-like browsers only allow that synchronously inside the click.
  useEffect(() => {
    mounted.current = true;
    loadAudio()
      .then((m) => {
        modules.current = m;
      })
      .catch(() => undefined);
    return () => {
      mounted.current = false;
      player.current?.dispose();
      player.current = undefined;
    };
  }, []);

  const play = useCallback(async (group: string, seqs: readonly QuantizedNoteSequence[], options: PlayOptions) => {
    try {
      const ready = modules.current;
      const starting = ready?.startAudio(); // synchronous up to Tone.start(), when the modules are here
      const { startAudio, LoopPlayer } = ready ?? (await loadAudio());
      const started = await (starting ?? startAudio());
      if (!mounted.current) return; // the page was left while audio was starting
      setAudio(started.state);
      if (started.state === 'blocked') {
        errorRef.current(started.reason ?? 'The browser blocked sound. Click Play again to allow it.');
        return;
      }
      player.current ??= new LoopPlayer();
      let ticks = 0;
      const starts = segmentStarts(seqs);
      player.current.start(seqs, {
        kind: options.kind,
        qpm: options.qpm,
        swing: options.swing ?? 0,
        loop: options.loop,
        ...(options.voices ? { voices: options.voices } : {}),
        onStep: (globalStep, segment) => {
          ticks++;
          setPlaying({ group, segment, step: globalStep - (starts[segment] ?? 0), ticks });
        },
        onEnd: () => setPlaying((p) => (p?.group === group ? undefined : p)),
      });
      setPlaying({ group, segment: 0, step: -1, ticks: 0 });
    } catch (error) {
      errorRef.current(`Could not play: ${describeError(error)}`);
    }
  }, []);

  const stop = useCallback(() => {
    player.current?.stop();
    setPlaying(undefined);
  }, []);

  return {
    playing,
    audio,
    play,
    stop,
    swap: useCallback((seqs: readonly QuantizedNoteSequence[]) => player.current?.setSequences(seqs), []),
    setTempo: useCallback((qpm: number) => player.current?.setTempo(qpm), []),
    setLoop: useCallback((loop: boolean) => player.current?.setLoop(loop), []),
    setSwing: useCallback((swing: number) => player.current?.setSwing(swing), []),
    makeVoice: useCallback(async (notes: ReadonlyMap<number, Float32Array>, sampleRate: number) => {
      const { createSampledVoice } = await import('@/lib/audio/sampled-voice');
      return createSampledVoice(notes, sampleRate);
    }, []),
  };
}
