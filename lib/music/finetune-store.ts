/**
 * Fine-tuned models saved in this browser (IndexedDB, through the small `idb` wrapper): named,
 * listed, deletable, each with a card (its data, steps, mode, and the before/after numbers on the
 * user's held-back files), and exported as a Magenta checkpoint folder that @magenta/music loads.
 * Also the running fine-tuning's checkpoint, written as it goes, so a tab closed mid-training can
 * offer to resume. Runs wherever IndexedDB exists (the model worker; tests use fake-indexeddb).
 * TF-free.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import { encodeCheckpoint, type NamedValues } from '../core/checkpoint-write';
import { CheckpointError, InvalidInputError } from '../core/errors';
import type { WeightSource } from '../core/checkpoint';
import type { FineTuneState } from './finetune';
import { savedModelNameSchema, type FineTuneCard } from './finetune-card';
import type { FineTuneMode } from './finetune-recipe';
import type { MusicModelSource } from './protocol';

/** What a saved model holds besides its card. */
export type SavedWeights = Pick<FineTuneState, 'config' | 'recipe' | 'weights' | 'latent'>;

/** A fine-tuning in progress, saved as it goes (one per lab). */
export interface FineTuneCheckpoint {
  lab: 'melody' | 'drums';
  savedAt: number;
  /** The step the run was asked to reach. */
  until: number;
  base: string;
  /** Where the starting model came from (to rebuild "before" on resume). */
  baseSource: MusicModelSource;
  mode: FineTuneMode;
  /** The windows it trains on and scores (so a resumed run needs no files). */
  train: Int32Array[];
  heldBack: Int32Array[];
  summary: FineTuneCard['data'];
  before?: FineTuneCard['before'];
  state: FineTuneState;
}

interface FineTuneDb extends DBSchema {
  cards: { key: string; value: FineTuneCard };
  weights: { key: string; value: SavedWeights & { name: string } };
  checkpoints: { key: string; value: FineTuneCheckpoint };
}

const DB_NAME = 'latent-lab-finetune';
let db: Promise<IDBPDatabase<FineTuneDb>> | undefined;

function open(): Promise<IDBPDatabase<FineTuneDb>> {
  if (typeof indexedDB === 'undefined') throw new InvalidInputError('This browser has no IndexedDB, so fine-tuned models cannot be saved here.');
  db ??= openDB<FineTuneDb>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('cards', { keyPath: 'name' });
      d.createObjectStore('weights', { keyPath: 'name' });
      d.createObjectStore('checkpoints', { keyPath: 'lab' });
    },
  });
  return db;
}

/** Saves (or replaces) a model under `card.name`. */
export async function saveFineTuned(card: FineTuneCard, weights: SavedWeights): Promise<void> {
  const name = savedModelNameSchema.parse(card.name);
  const d = await open();
  const tx = d.transaction(['cards', 'weights'], 'readwrite');
  await Promise.all([tx.objectStore('cards').put({ ...card, name }), tx.objectStore('weights').put({ ...weights, name }), tx.done]);
}

/** Every saved model's card (of one kind, when given), newest first. */
export async function listFineTuned(kind?: 'melody' | 'drums'): Promise<FineTuneCard[]> {
  const cards = await (await open()).getAll('cards');
  return cards.filter((c) => kind === undefined || c.kind === kind).sort((a, b) => b.savedAt - a.savedAt);
}

/** A saved model's card and weights. @throws {CheckpointError} naming the saved models when there is no such model. */
export async function loadFineTuned(name: string): Promise<{ card: FineTuneCard; weights: SavedWeights }> {
  const d = await open();
  const [card, weights] = await Promise.all([d.get('cards', name), d.get('weights', name)]);
  if (!card || !weights) {
    const names = (await d.getAllKeys('cards')).join('", "');
    throw new CheckpointError(
      `No fine-tuned model "${name}" is saved in this browser${names ? ` (saved: "${names}")` : ' (none is saved yet)'}. Fine-tune one under "Teach it your style", or import its folder under "Use another model".`,
    );
  }
  return { card, weights };
}

export async function deleteFineTuned(name: string): Promise<void> {
  const d = await open();
  const tx = d.transaction(['cards', 'weights'], 'readwrite');
  await Promise.all([tx.objectStore('cards').delete(name), tx.objectStore('weights').delete(name), tx.done]);
}

export async function saveCheckpoint(checkpoint: FineTuneCheckpoint): Promise<void> {
  await (await open()).put('checkpoints', checkpoint);
}

export async function loadCheckpoint(lab: 'melody' | 'drums'): Promise<FineTuneCheckpoint | undefined> {
  return (await open()).get('checkpoints', lab);
}

export async function deleteCheckpoint(lab: 'melody' | 'drums'): Promise<void> {
  await (await open()).delete('checkpoints', lab);
}

/** The files of a Magenta checkpoint folder (float16 weights) for a saved model, plus its card as `fine-tune.json`. */
export function magentaFolder(card: FineTuneCard, weights: SavedWeights): Map<string, Uint8Array | string> {
  if (card.mode === 'latent' || weights.latent)
    throw new InvalidInputError(
      `"${card.name}" is a small latent model (MidiMe) on top of an unchanged MusicVAE; a Magenta checkpoint cannot hold it. Fine-tune the decoder or the whole model to get one.`,
    );
  const encoded = encodeCheckpoint(weights.weights as NamedValues[], { quantization: 'float16' });
  const files = new Map<string, Uint8Array | string>();
  files.set('config.json', JSON.stringify(weights.config, null, 2) + '\n');
  files.set('weights_manifest.json', JSON.stringify(encoded.manifest));
  for (const [name, bytes] of encoded.shards) files.set(name, bytes);
  files.set('fine-tune.json', JSON.stringify(card, null, 2) + '\n');
  return files;
}

/**
 * A saved model as a checkpoint source (what `music:load` and Compare read): the folder of
 * {@link magentaFolder}, served from memory, opened on first read.
 */
export function savedModelSource(name: string): WeightSource {
  let files: Promise<Map<string, Uint8Array | string>> | undefined;
  const get = async (file: string): Promise<Uint8Array | string> => {
    files ??= loadFineTuned(name).then(({ card, weights }) => magentaFolder(card, weights));
    const found = (await files).get(file);
    if (found === undefined) throw new CheckpointError(`The saved model "${name}" has no "${file}".`, { file });
    return found;
  };
  return {
    location: `the fine-tuned model "${name}" saved in this browser`,
    async readJson(file) {
      const text = await get(file);
      return JSON.parse(typeof text === 'string' ? text : new TextDecoder().decode(text)) as unknown;
    },
    async readBinary(file, onBytes) {
      const data = await get(file);
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      onBytes?.(bytes.byteLength);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    },
  };
}

/** Forgets the open database (tests that swap the IndexedDB implementation). */
export function closeFineTuneStore(): void {
  void db?.then((d) => d.close());
  db = undefined;
}
