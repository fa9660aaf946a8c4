'use client';
/**
 * "Play with a timbre" in the melody lab: the notes are played by the timbre lab's decoder instead of
 * the synth — one sound for everything, or a morph from one sound to another across the strip, so a
 * melody interpolation is heard through a timbre interpolation. Every pitch the lab's melodies use is
 * rendered once per sound in the model worker (cached), ahead of the Play click.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from '@/lib/core/errors';
import type { MelodySynth } from '@/lib/audio/instruments';
import type { SampledNotes } from '@/lib/audio/sampled-voice';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import { timbreVoiceUrl, type TimbreVoiceState } from '@/lib/timbre/lab-url';
import { SAMPLE_RATE } from '@/lib/timbre/spec';
import type { Player } from '@/app/_components/media/usePlayer';
import { useTypedUrlState } from '@/app/_components/useTypedUrlState';
import { request } from '@/app/_workers/client';

/** Rendered notes by code and pitch (a code is its numbers joined). */
const rendered = new Map<string, Float32Array>();
const keyOf = (code: readonly number[], pitch: number) => `${code.join(',')}@${pitch}`;
const MAX_BATCH = 128;

async function render(codes: readonly (readonly number[])[], pitches: readonly number[]): Promise<void> {
  const todo: { code: readonly number[]; pitch: number }[] = [];
  for (const code of codes) for (const pitch of pitches) if (!rendered.has(keyOf(code, pitch))) todo.push({ code, pitch });
  for (let i = 0; i < todo.length; i += MAX_BATCH) {
    const batch = todo.slice(i, i + MAX_BATCH);
    const r = await request({ type: 'timbre:decode', codes: batch.map((t) => [...t.code]), pitch: batch.map((t) => t.pitch) }, 'timbre:audio');
    batch.forEach((t, k) => {
      const clip = r.clips[k];
      if (clip) rendered.set(keyOf(t.code, t.pitch), clip);
    });
  }
}

const pitchesOf = (seqs: readonly QuantizedNoteSequence[]) =>
  [...new Set(seqs.flatMap((s) => s.notes.filter((n) => !n.isDrum && n.pitch >= 12 && n.pitch <= 108).map((n) => n.pitch)))].sort((a, b) => a - b);

export interface TimbreVoices {
  choice: TimbreVoiceState;
  setChoice(patch: Partial<TimbreVoiceState>): void;
  /** Titles of the chosen sounds once known. */
  titles: string[];
  /** What is being prepared, if anything. */
  preparing: string | undefined;
  /** Voices for playing `seqs` as `group` ('strip' morphs; 'b' uses the second sound), or undefined for the synth. */
  voicesFor(group: string, seqs: readonly QuantizedNoteSequence[]): Promise<(MelodySynth | undefined)[] | undefined>;
  /** The same sounds as rendered notes per sequence (for the offline WAV renderer), or undefined for the synth. */
  notesFor(group: string, seqs: readonly QuantizedNoteSequence[]): Promise<SampledNotes[] | undefined>;
}

export function useTimbreVoices(player: Player, allSeqs: readonly QuantizedNoteSequence[], stripSteps: number, onError: (m: string) => void): TimbreVoices {
  const { state: choice, set } = useTypedUrlState(timbreVoiceUrl);
  const [codes, setCodes] = useState<{ key: string; a: number[]; b: number[]; morph: number[][]; titles: string[] }>();
  const [preparing, setPreparing] = useState<string>();
  const owned = useRef<MelodySynth[]>([]);
  useEffect(() => () => owned.current.forEach((v) => v.dispose()), []);

  const key = `${choice.timbre}|${choice.timbre2}|${stripSteps}`;
  const pitchKey = pitchesOf(allSeqs).join(',');
  useEffect(() => {
    if (choice.voice === 'synth') return;
    let live = true;
    void (async () => {
      try {
        setPreparing('Encoding the sounds…');
        let c = codes?.key === key ? codes : undefined;
        if (!c) {
          const r = await request({ type: 'timbre:codes', refs: [choice.timbre, choice.timbre2] }, 'timbre:codes:done');
          const [a = [], b = []] = r.codes;
          const m = await request({ type: 'timbre:morph', a, b, steps: Math.max(2, stripSteps), mode: 'slerp', pitch: 60 }, 'timbre:audio');
          c = { key, a, b, morph: m.codes ?? [], titles: r.titles };
          if (live) setCodes(c);
        }
        const pitches = pitchKey ? pitchKey.split(',').map(Number) : [];
        setPreparing(`Rendering ${pitches.length} pitches with the timbre…`);
        await render(choice.voice === 'morph' ? [c.a, c.b, ...c.morph] : [c.a], pitches);
      } catch (error) {
        if (live) onError(`Play with a timbre: ${describeError(error)}`);
      } finally {
        if (live) setPreparing(undefined);
      }
    })();
    return () => {
      live = false;
    };
    // `codes` is read to reuse them; a change of sounds or strip length changes `key`.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [choice.voice, key, pitchKey]);

  /** Per sequence, the rendered notes of the sound that plays it (rendering what is missing), or undefined for the synth. */
  const notesFor = useCallback(
    async (group: string, seqs: readonly QuantizedNoteSequence[]): Promise<SampledNotes[] | undefined> => {
      if (choice.voice === 'synth' || !codes || codes.key !== key) return undefined;
      const pitches = pitchesOf(seqs);
      const perSeq = seqs.map((_, i) =>
        choice.voice === 'morph' && group === 'strip' ? (codes.morph[i] ?? codes.a) : choice.voice === 'morph' && group === 'b' ? codes.b : codes.a,
      );
      await render([...new Set(perSeq)], pitches);
      // One notes object per sound, so players and renderers can share a voice between sequences.
      const byCode = new Map<readonly number[], SampledNotes>();
      return perSeq.map((code) => {
        let v = byCode.get(code);
        if (!v) {
          const notes = new Map<number, Float32Array>();
          for (const p of pitches) {
            const clip = rendered.get(keyOf(code, p));
            if (clip) notes.set(p, clip);
          }
          v = { notes, sampleRate: SAMPLE_RATE };
          byCode.set(code, v);
        }
        return v;
      });
    },
    [choice.voice, codes, key],
  );

  const voicesFor = useCallback(
    async (group: string, seqs: readonly QuantizedNoteSequence[]) => {
      const perSeq = await notesFor(group, seqs);
      if (!perSeq) return undefined;
      const byNotes = new Map<SampledNotes, MelodySynth>();
      const voices: MelodySynth[] = [];
      for (const n of perSeq) {
        let v = byNotes.get(n);
        if (!v) {
          v = await player.makeVoice(n.notes, n.sampleRate);
          byNotes.set(n, v);
        }
        voices.push(v);
      }
      // The voices of the previous play go once this one replaces it.
      const old = owned.current;
      owned.current = [...byNotes.values()];
      setTimeout(() => old.forEach((v) => v.dispose()), 2000);
      return voices;
    },
    [notesFor, player],
  );

  return { choice, setChoice: (patch) => set(patch), titles: codes?.titles ?? [], preparing, voicesFor, notesFor };
}

/** Words for the chosen sound(s): "the timbre Flute", "a timbre morph Flute → Cello". */
export function timbreVoiceName(v: Pick<TimbreVoices, 'choice' | 'titles'>): string {
  const [a = 'sound A', b = 'sound B'] = v.titles;
  return v.choice.voice === 'morph' ? `a timbre morph ${a} → ${b}` : `the timbre ${a}`;
}
