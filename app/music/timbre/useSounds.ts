'use client';
/**
 * The lab's sounds (A, B and the pad's C and D): each URL reference — a program of the shipped set,
 * or a code — becomes a code in the model worker, with what the model heard and what it rebuilds. A
 * program's note is encoded (refined when the toggle is on); a code is only decoded. Recordings and
 * dropped files are encoded by {@link useSounds}' `encodeTake` and kept under their code's reference,
 * so the URL holds only the code while the page still shows what went in.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { formatCode, parseSoundRef } from '@/lib/timbre/lab-url';
import type { TimbreSet } from '@/lib/timbre/examples';
import { request } from '@/app/_workers/client';
import { setNotes } from '../_components/useTimbreSet';

export const SLOTS = ['a', 'b', 'c', 'd'] as const;
export type Slot = (typeof SLOTS)[number];

export interface Sound {
  ref: string;
  title: string;
  z: number[];
  /** The note as the model read it (16 kHz), when it came from audio. */
  input?: Float32Array;
  /** The note rebuilt from its code (at its own pitch; a bare code at the lab's pitch). */
  rebuilt: Float32Array;
  /** Multi-scale spectral distance of the rebuild, and before refining. */
  distance?: number;
  distanceBefore?: number;
  refineSteps?: number;
  pitch?: number;
  notes: string[];
}

/** Sounds already worked out this visit, by reference and refinement (switching back is instant). */
const known = new Map<string, Sound>();
const keyOf = (ref: string, refine: number) => `${ref}|${refine}`;

export interface SoundState {
  sounds: Partial<Record<Slot, Sound>>;
  /** Slots being worked out. */
  busy: readonly Slot[];
  problems: Partial<Record<Slot, string>>;
  /** Encodes a recording or a dropped note; returns its code reference (put it in the URL). */
  encodeTake(take: { samples: Float32Array; sampleRate: number; name: string }): Promise<string>;
}

async function soundOf(ref: string, refine: number, set: TimbreSet, pitch: number): Promise<Sound> {
  const parsed = parseSoundRef(ref);
  if (!parsed) throw new Error(`"${ref}" is not a sound: use p<program> or a code.`);
  if (parsed.kind === 'code') {
    const r = await request({ type: 'timbre:decode', codes: [parsed.z], pitch }, 'timbre:audio');
    return { ref, title: 'A point of the timbre space', z: parsed.z, rebuilt: r.clips[0] ?? new Float32Array(0), notes: [] };
  }
  const index = set.notes.findIndex((n) => n.program === parsed.program);
  const entry = set.notes[index];
  if (!entry) throw new Error(`Program ${parsed.program} is not in the set of sounds (it has ${set.notes.length}; sound effects 112–127 are left out).`);
  const samples = (await setNotes(set))[index];
  if (!samples) throw new Error(`The set has no note for program ${parsed.program}.`);
  const copy = samples.slice();
  const r = await request({ type: 'timbre:note', samples: copy, sampleRate: set.sampleRate, name: entry.programName, refine }, 'timbre:note:done');
  return {
    ref,
    title: `${entry.programName} (${entry.family}${entry.split === 'heldout-program' ? ', never trained on' : ''})`,
    z: r.z,
    input: r.input,
    rebuilt: r.rebuilt,
    distance: r.distance,
    ...(r.distanceBefore === undefined ? {} : { distanceBefore: r.distanceBefore }),
    ...(r.refineSteps === undefined ? {} : { refineSteps: r.refineSteps }),
    pitch: r.pitch,
    notes: r.notes,
  };
}

export function useSounds(
  refs: Record<Slot, string>,
  options: { refine: number; pitch: number; set: TimbreSet | undefined; ready: boolean; onError(message: string): void },
): SoundState {
  const { refine, pitch, set, ready, onError } = options;
  const [sounds, setSounds] = useState<Partial<Record<Slot, Sound>>>({});
  const [busy, setBusy] = useState<Slot[]>([]);
  const [problems, setProblems] = useState<Partial<Record<Slot, string>>>({});
  const errorRef = useRef(onError);
  useEffect(() => {
    errorRef.current = onError;
  }, [onError]);

  const { a, b, c, d } = refs;
  useEffect(() => {
    if (!ready || !set) return;
    let live = true;
    const wanted: Record<Slot, string> = { a, b, c, d };
    void (async () => {
      for (const slot of SLOTS) {
        const ref = wanted[slot];
        const cached = known.get(keyOf(ref, refine)) ?? (parseSoundRef(ref)?.kind === 'code' ? known.get(keyOf(ref, 0)) : undefined);
        if (cached) {
          if (live) setSounds((all) => (all[slot] === cached ? all : { ...all, [slot]: cached }));
          continue;
        }
        if (live) setBusy((all) => [...all.filter((s) => s !== slot), slot]);
        try {
          const sound = await soundOf(ref, refine, set, pitch);
          known.set(keyOf(ref, refine), sound);
          if (live) {
            setSounds((all) => ({ ...all, [slot]: sound }));
            setProblems((all) => ({ ...all, [slot]: undefined }));
          }
        } catch (error) {
          if (live) setProblems((all) => ({ ...all, [slot]: describeError(error) }));
        } finally {
          if (live) setBusy((all) => all.filter((s) => s !== slot));
        }
      }
    })();
    return () => {
      live = false;
    };
    // `pitch` only matters for bare codes, which are decoded again when they change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [a, b, c, d, refine, set, ready]);

  const encodeTake = useCallback(
    async (take: { samples: Float32Array; sampleRate: number; name: string }) => {
      const r = await request(
        { type: 'timbre:note', samples: take.samples, sampleRate: take.sampleRate, name: take.name, refine },
        'timbre:note:done',
        undefined,
      );
      const ref = formatCode(r.z);
      const sound: Sound = {
        ref,
        title: take.name,
        z: r.z,
        input: r.input,
        rebuilt: r.rebuilt,
        distance: r.distance,
        ...(r.distanceBefore === undefined ? {} : { distanceBefore: r.distanceBefore }),
        pitch: r.pitch,
        notes: r.notes,
      };
      known.set(keyOf(ref, refine), sound);
      known.set(keyOf(ref, 0), sound);
      return ref;
    },
    [refine],
  );
  return { sounds, busy, problems, encodeTake };
}
