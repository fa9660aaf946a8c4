'use client';
/**
 * Taking music home: clips one after another as one MIDI file, or rendered offline to a WAV
 * (lib/audio, loaded on first use). Errors and progress go to the lab's own alert and busy bar.
 */
import { describeError } from '@/lib/core/errors';
import { downloadFile } from '@/app/_components/download';
import { withTempo } from '@/lib/music/clips';
import { sequenceToMidi } from '@/lib/music/midi';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import type { SampledNotes } from '@/lib/audio/sampled-voice';
import { concatenate } from '@/lib/music/sequences';

export interface ExportContext {
  kind: 'melody' | 'drums';
  qpm: number;
  swing?: number;
  onError: (message: string) => void;
  onNotice: (message: string) => void;
  onBusy: (label: string | undefined) => void;
}

/** Downloads `seqs` joined into one MIDI file `<name>.mid` (melody on piano, drums on channel 10). */
export function exportMidi(ctx: ExportContext, seqs: readonly QuantizedNoteSequence[], name: string): void {
  try {
    downloadFile(sequenceToMidi(withTempo(concatenate(seqs), ctx.qpm), { name: `Latent Lab ${name}` }) as BlobPart, `${name}.mid`, 'audio/midi');
  } catch (error) {
    ctx.onError(describeError(error));
  }
}

/**
 * Renders `seqs` offline with the lab's instruments — or, given `voices`, the sounds the player plays
 * them with (such as a timbre morph; `name` words them for the notice) — and downloads `<name>.wav`.
 * Sounds still being prepared are not waited for: the synth plays, and the notice says so.
 */
export async function exportWav(
  ctx: ExportContext,
  seqs: readonly QuantizedNoteSequence[],
  name: string,
  voices?: { perSeq: () => Promise<readonly (SampledNotes | undefined)[] | undefined>; name: string },
): Promise<void> {
  ctx.onBusy('Rendering audio offline…');
  try {
    const { renderWav } = await import('@/lib/audio/render');
    const perSeq = voices ? await voices.perSeq() : undefined;
    const r = await renderWav(seqs, { kind: ctx.kind, qpm: ctx.qpm, swing: ctx.swing ?? 0, ...(perSeq ? { voices: perSeq } : {}) });
    downloadFile(r.wav as BlobPart, `${name}.wav`, 'audio/wav');
    const by = !voices ? '' : perSeq ? ` played by ${voices.name}` : ` with the synth (${voices.name} was not ready yet)`;
    ctx.onNotice(`Rendered ${r.seconds.toFixed(1)} s of audio${by} (peak ${r.peak.toFixed(2)}).`);
  } catch (error) {
    ctx.onError(`Could not render the audio: ${describeError(error)}`);
  } finally {
    ctx.onBusy(undefined);
  }
}
