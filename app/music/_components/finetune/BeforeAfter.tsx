'use client';
/**
 * Before and after, side by side: windows held back from the user's own files as they are, as the
 * starting model rebuilds them and as the fine-tuned one does (steps that differ from the input are
 * shaded), with the held-back scores; and samples from each model, with how far each set is from
 * the style of the user's music.
 */
import { DrumGrid } from '@/app/_components/media/DrumGrid';
import { PianoRoll, pitchSpanOf } from '@/app/_components/media/PianoRoll';
import type { Player } from '@/app/_components/media/usePlayer';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import type { Compared } from './useFineTune';

const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;

/** Steps where `out` differs from `input` (note starts compared per step). */
function differences(input: QuantizedNoteSequence, out: QuantizedNoteSequence): number[] {
  const at = (s: QuantizedNoteSequence): string[] => {
    const steps = Array.from({ length: s.totalQuantizedSteps }, () => '');
    for (const n of s.notes) if (n.quantizedStartStep < steps.length) steps[n.quantizedStartStep] += `${n.pitch},`;
    return steps;
  };
  const [a, b] = [at(input), at(out)];
  return a.flatMap((v, i) => (v === b[i] ? [] : [i]));
}

function Clip({
  kind,
  seq,
  input,
  label,
  testId,
}: {
  kind: 'melody' | 'drums';
  seq: QuantizedNoteSequence;
  input?: QuantizedNoteSequence;
  label: string;
  testId?: string;
}) {
  if (kind === 'drums') return <DrumGrid seq={seq} label={label} small testId={testId} />;
  const span = pitchSpanOf(input ? [seq, input] : [seq]);
  return <PianoRoll seq={seq} span={span} label={label} cell={{ w: 5, h: 3 }} marks={input ? differences(input, seq) : undefined} testId={testId} />;
}

/** A titled column of clips with a play link for all of them. */
function ClipColumn({ id, title, onPlay, children }: { id: string; title: string; onPlay: () => void; children: React.ReactNode }) {
  return (
    <div data-column={id}>
      <div className="controls">
        <strong>{title}</strong>
        <button type="button" className="link-button" onClick={onPlay}>
          play
        </button>
      </div>
      {children}
    </div>
  );
}

export function BeforeAfter({ kind, compared, player }: { kind: 'melody' | 'drums'; compared: Compared; player: Player }) {
  const { scores, style } = compared;
  const play = (group: string, seqs: readonly QuantizedNoteSequence[]) =>
    void player.play(group, seqs, { kind, qpm: kind === 'melody' ? 120 : 100, loop: false });
  const columns: [string, string, QuantizedNoteSequence[]][] = [
    ['input', 'Held back (yours)', compared.inputs],
    ['before', 'Rebuilt before', compared.before],
    ['after', 'Rebuilt after', compared.after],
  ];
  return (
    <div className="finetune-compare" data-testid="finetune-compare">
      <h3>Windows held back from your files</h3>
      <p className="muted" data-testid="finetune-scores">
        Rebuilt from the encoder&apos;s code, {scores.windows} held-back windows: {pct(scores.before.greedyAccuracy)} of steps right before,{' '}
        <strong>{pct(scores.after.greedyAccuracy)}</strong> after (steps with a note or hit: {pct(scores.before.greedyEventAccuracy)} →{' '}
        {pct(scores.after.greedyEventAccuracy)}).
      </p>
      <div className="finetune-grid">
        {columns.map(([key, title, seqs]) => (
          <ClipColumn key={key} id={key} title={title} onPlay={() => play(`finetune-${key}`, seqs)}>
            {seqs.map((s, i) => (
              <Clip
                key={i}
                kind={kind}
                seq={s}
                input={key === 'input' ? undefined : compared.inputs[i]}
                label={`${title}, window ${i + 1}`}
                testId={`finetune-${key}`}
              />
            ))}
          </ClipColumn>
        ))}
      </div>
      <h3>Samples “in your style”</h3>
      <p className="muted" data-testid="finetune-style">
        How far 64 samples are from your held-back music (0 = the same, 1 = nothing shared) — {kind === 'melody' ? 'pitch classes' : 'drum sounds'}:{' '}
        {style.before.sounds.toFixed(2)} before, {style.after.sounds.toFixed(2)} after; where in the bar notes start: {style.before.positions.toFixed(2)} →{' '}
        {style.after.positions.toFixed(2)}; notes per window {pct(style.before.densityRatio)} → {pct(style.after.densityRatio)} of yours.
      </p>
      <div className="finetune-grid">
        {(
          [
            ['samples-before', 'Before', compared.samples.before],
            ['samples-after', 'After', compared.samples.after],
          ] as const
        ).map(([key, title, seqs]) => (
          <ClipColumn key={key} id={key} title={title} onPlay={() => play(`finetune-${key}`, seqs)}>
            {seqs.map((s, i) => (
              <Clip key={i} kind={kind} seq={s} label={`${title}, sample ${i + 1}`} testId={`finetune-${key}`} />
            ))}
          </ClipColumn>
        ))}
      </div>
    </div>
  );
}
