'use client';
/**
 * The shipped set of sounds on the page: its index (names and families of the 111 programs, 20 KB)
 * at once, its notes (4.5 MB, 16-bit) only when a sound of it is first needed — the browser's cache
 * then serves the model worker's copy of the same file.
 */
import { useEffect, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import { decodeTimbreSet, TIMBRE_SET_FILES, timbreSetSchema, type TimbreSet } from '@/lib/timbre/examples';

const BASE = '/models/timbre/set/';
let notesPromise: Promise<Float32Array[]> | undefined;

/** The set's notes (fetched once per page). */
export function setNotes(set: TimbreSet): Promise<Float32Array[]> {
  notesPromise ??= fetch(BASE + TIMBRE_SET_FILES.audio)
    .then((r) => {
      if (!r.ok) throw new Error(`The sounds of the timbre set could not be loaded (HTTP ${r.status}).`);
      return r.arrayBuffer();
    })
    .then((bytes) => decodeTimbreSet(set, bytes));
  notesPromise.catch(() => {
    notesPromise = undefined;
  });
  return notesPromise;
}

export function useTimbreSet(onError: (message: string) => void): TimbreSet | undefined {
  const [set, setSet] = useState<TimbreSet>();
  useEffect(() => {
    let live = true;
    fetch(BASE + TIMBRE_SET_FILES.index)
      .then((r) => {
        if (!r.ok) throw new Error(`The list of sounds could not be loaded (HTTP ${r.status}).`);
        return r.json() as Promise<unknown>;
      })
      .then((json) => {
        if (live) setSet(timbreSetSchema.parse(json));
      })
      .catch((error: unknown) => onError(describeError(error)));
    return () => {
      live = false;
    };
  }, [onError]);
  return set;
}
