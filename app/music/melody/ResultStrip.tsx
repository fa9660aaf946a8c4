'use client';
/**
 * The melody lab's result, the biggest thing on the page: the interpolation strip (A's and B's
 * reconstructions at its ends, their wrong steps marked on the roll) or the variations, each roll
 * large enough to read notes (rows wrap), playable by a click, exportable one by one.
 */
import { PianoRoll, type PitchSpan } from '@/app/_components/media/PianoRoll';
import { encodeMelodyClip } from '@/lib/music/clips';
import { MelodyConverter } from '@/lib/music/converters/melody';
import { differingSteps } from '@/lib/music/fidelity';
import type { QuantizedNoteSequence } from '@/lib/music/note-sequence';
import type { FidelityInfo } from '@/lib/music/protocol';

export interface Result {
  kind: 'interpolation' | 'variations';
  /** The melodies the result was made from (A and B may have been edited since). */
  a: QuantizedNoteSequence;
  b: QuantizedNoteSequence;
  /** Counts results, so tests and benchmarks can tell a new result from the previous one. */
  run: number;
  seqs: QuantizedNoteSequence[];
  /** performance.now() of the click, for the click-to-drawn latency. */
  clickedAt: number;
  modelMs: number;
  backend: string;
  /** How faithfully A (and B) come back from their codes, and whether the codes were refined. */
  fidelity: FidelityInfo[];
  refineMs: number;
  /** The choices that made it (a classroom entry reports them). */
  settings: { steps: number; temperature: number; mode: string; seed: number; refineSteps: number };
}

/** Why a result no longer matches what is on screen (an input or the refinement changed), or undefined. */
export function staleReason(result: Result | undefined, a: QuantizedNoteSequence, b: QuantizedNoteSequence, refineSteps: number): string | undefined {
  if (!result) return undefined;
  const again = result.kind === 'variations' ? '"Make variations"' : '"Interpolate A → B"';
  if (encodeMelodyClip(result.a) !== encodeMelodyClip(a) || (result.kind === 'interpolation' && encodeMelodyClip(result.b) !== encodeMelodyClip(b)))
    return `These ${result.kind === 'variations' ? 'variations were made from an earlier melody A' : 'steps were made from an earlier A or B'}. Press ${again} to update them.`;
  if (result.settings.refineSteps !== refineSteps)
    return `These ${result.kind === 'variations' ? 'variations' : 'steps'} were made ${result.settings.refineSteps > 0 ? 'with refined codes' : "from the encoder's guess alone"}. Press ${again} to see the difference.`;
  return undefined;
}

const converter = new MelodyConverter();

/** "Melody A: 31/32 steps" — how many of the 32 sixteenths come back as they went in. */
function fidelityText(f: FidelityInfo): string {
  const how = f.cached ? ' (code refined earlier)' : f.steps !== undefined ? ` (${f.steps} refinement step${f.steps === 1 ? '' : 's'})` : '';
  return `${f.label}: ${f.matchingSteps}/${f.totalSteps} steps${f.refined ? how : ''}`;
}

export interface ResultStripProps {
  result: Result;
  latency: { ms: number; steps: number; run: number } | undefined;
  stale: string | undefined;
  span: PitchSpan;
  /** The playhead's step in a group's segment, when it plays. */
  stepOf(group: string, index?: number): number | undefined;
  onPlay(group: string, seqs: readonly QuantizedNoteSequence[]): void;
  onExport(seqs: readonly QuantizedNoteSequence[], name: string): void;
  onUseAsB(seq: QuantizedNoteSequence): void;
}

export function ResultStrip({ result, latency, stale, span, stepOf, onPlay, onExport, onUseAsB }: ResultStripProps) {
  const itemName = result.kind === 'variations' ? 'variation' : 'step';
  const last = result.seqs.length - 1;
  /** An interpolation's ends are the reconstructions of A and B: their wrong steps are marked. */
  const marksOf = (i: number, seq: QuantizedNoteSequence): number[] | undefined => {
    if (result.kind !== 'interpolation' || (i !== 0 && i !== last)) return undefined;
    return differingSteps(converter.toLabels(i === 0 ? result.a : result.b), converter.toLabels(seq));
  };
  const refinedAll = result.fidelity.length > 0 && result.fidelity.every((f) => f.refined);
  return (
    <section className="card" aria-label={result.kind === 'variations' ? 'Variations' : 'Interpolation'}>
      <p
        className="muted"
        data-testid="interp-latency"
        data-ms={latency ? latency.ms.toFixed(1) : undefined}
        data-steps={latency?.steps}
        data-run={latency?.run}
        data-model-ms={result.modelMs.toFixed(1)}
        data-refine-ms={result.refineMs.toFixed(1)}
        data-backend={result.backend}
      >
        {result.seqs.length} {result.kind === 'variations' ? 'variations' : 'steps'} · model {result.modelMs.toFixed(0)} ms on {result.backend.toUpperCase()}
        {latency ? ` · ${latency.ms.toFixed(0)} ms from click to picture` : ''}. Click a roll to hear it.
      </p>
      {result.fidelity.length > 0 && (
        <p
          className="fidelity"
          data-testid="fidelity"
          data-refined={refinedAll ? '1' : '0'}
          data-matching={result.fidelity.map((f) => f.matchingSteps).join(',')}
          data-cached={result.fidelity.map((f) => (f.cached ? '1' : '0')).join(',')}
        >
          <strong>How faithfully the inputs come back:</strong> {result.fidelity.map(fidelityText).join(' · ')}{' '}
          <span className="muted">
            {refinedAll
              ? `(the ${result.kind === 'interpolation' ? 'first and last steps are' : 'variations start from'} these reconstructions${result.kind === 'interpolation' ? '; steps that differ from A or B are shaded' : ''})`
              : "(the encoder's guess alone, not refined)"}
          </span>
        </p>
      )}
      {stale && (
        <p className="notice" data-testid="stale-result">
          {stale}
        </p>
      )}
      <div
        className={`strip${stale ? ' strip-stale' : ''}`}
        data-stale={stale ? '1' : '0'}
        data-testid="interp-strip"
        data-kind={result.kind}
        data-a={encodeMelodyClip(result.a)}
        data-b={encodeMelodyClip(result.b)}
      >
        {result.seqs.map((seq, i) => {
          const marks = marksOf(i, seq);
          const playStep = stepOf('strip', i) ?? stepOf(`item-${i}`);
          return (
            <figure
              key={i}
              className={`strip-item${playStep !== undefined ? ' strip-playing' : ''}`}
              data-testid={result.kind === 'variations' ? 'variation-item' : 'interp-item'}
              data-notes={seq.notes.length}
              data-differs={marks?.length}
            >
              <button type="button" className="roll-button" onClick={() => onPlay(`item-${i}`, [seq])} aria-label={`Play ${itemName} ${i + 1}`}>
                <PianoRoll seq={seq} span={span} label={`${itemName} ${i + 1}`} cell={{ w: 5, h: 3 }} playStep={playStep} marks={marks} />
              </button>
              <figcaption>
                {result.kind === 'interpolation' && i === 0 ? 'A · ' : result.kind === 'interpolation' && i === last ? 'B · ' : ''}
                {itemName} {i + 1}
                {marks && marks.length > 0 ? ` · ${marks.length} step${marks.length === 1 ? '' : 's'} differ` : ''}{' '}
                <button type="button" className="link-button" onClick={() => onExport([seq], `${itemName}-${i + 1}`)} data-testid="export-item-midi">
                  MIDI
                </button>
                {result.kind === 'variations' && (
                  <>
                    {' · '}
                    <button type="button" className="link-button" onClick={() => onUseAsB(seq)}>
                      use as B
                    </button>
                  </>
                )}
              </figcaption>
            </figure>
          );
        })}
      </div>
    </section>
  );
}
