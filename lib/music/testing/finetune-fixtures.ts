/** Small MIDI files for the fine-tuning tests (melodies and grooves built from the examples). */
import { DRUM_EXAMPLES, drumExample, MELODY_EXAMPLES, melodyExample } from '../examples';
import { sequenceToMidi } from '../midi';
import { concatenate } from '../sequences';

/** A melody file of `examples` 2-bar examples one after another, starting at example `from` (so 2·n bars, 2n − 1 windows). */
export function melodyFile(from: number, examples = 3): Uint8Array {
  const parts = Array.from({ length: examples }, (_, k) =>
    melodyExample(MELODY_EXAMPLES[(from + k) % MELODY_EXAMPLES.length] as (typeof MELODY_EXAMPLES)[number]),
  );
  return sequenceToMidi(concatenate(parts), { name: `tune ${from}` });
}

/** A drum file of `examples` 2-bar grooves, starting at groove `from`. */
export function drumFile(from: number, examples = 3): Uint8Array {
  const parts = Array.from({ length: examples }, (_, k) => drumExample(DRUM_EXAMPLES[(from + k) % DRUM_EXAMPLES.length] as (typeof DRUM_EXAMPLES)[number]));
  return sequenceToMidi(concatenate(parts), { name: `groove ${from}` });
}
