/**
 * What the Compare analyses need from one kind of data, beyond the {@link LatentModel} contract:
 * a small adapter per domain (images in lib/image, music in lib/music). Everything else — the
 * encoding of the set, the map, units, paths, holes and attribute vectors — is written once, in
 * lib/latent/compare, so a difference on screen is a difference in data and model, not in tooling.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AttributeGroups } from './report';

/** A measured attribute of an item (e.g. stroke thickness, note density, drum hits). */
export interface ItemAttribute<Item> {
  /** Short id for URLs and reports, e.g. "thickness". */
  id: string;
  /** Words for people, e.g. "stroke thickness (pixels)". */
  name: string;
  measure(item: Item): number;
}

export interface CompareDomain<X extends tf.Tensor, Item> {
  /** What the set is, in words (e.g. "MNIST test split"). */
  readonly dataName: string;
  /** What one item is called ("digit", "melody", "drum pattern"). */
  readonly itemName: string;
  /** …and several ("digits", "melodies", "drum patterns"). */
  readonly itemsName: string;
  /** Number of items in the set. */
  readonly count: number;
  /** A label per item (digit, tune, file, style…), for colours, neighbours and groups. */
  readonly labels: readonly string[];
  /** What the labels are ("digit", "file", "tune"…). */
  readonly labelName: string;
  /**
   * Optional: a key per item such that items with equal keys are the same encoder input (e.g. a
   * 2-bar phrase a song repeats). The set is then encoded once per distinct key — the encoder is
   * deterministic, so the codes are identical.
   */
  itemKey?: (i: number) => string;
  /** The model's encoder input for these items `[n, …]`. Caller disposes. */
  inputTensor(indices: readonly number[]): X;
  /**
   * q(z|x) = N(μ, diag σ²) for a batch of inputs: μ and log σ² (caller disposes both). Absent for
   * models without σ (plain autoencoders); the analyses then use μ from `encode`.
   */
  posterior?: (x: X) => Promise<{ mean: tf.Tensor2D; logVar: tf.Tensor2D }>;
  /** Plain items from a batch of decoder outputs (the caller disposes `decoded`). */
  outputItems(decoded: X): Promise<Item[]>;
  /** Item `i` of the set itself (the data, not its reconstruction). */
  item(i: number): Item;
  /** A distance between two items in data space (a metric: pixel L2, event edit distance…). */
  distance(a: Item, b: Item): number;
  /**
   * Optional: the same distance for one panel's many comparisons, free to keep per-item work (e.g.
   * a note's spectrograms) until the panel drops it. Panels that compare each item often use it.
   */
  distanceSession?(): (a: Item, b: Item) => number;
  /** Optional: how many codes to decode at once when no panel option says (default 256); for models whose batches slow down past a size. */
  readonly decodeBatch?: number;
  /** The name of that distance, for reports and axes. */
  readonly distanceName: string;
  /** Attributes that can be measured on any item (data or decode). */
  readonly attributes: readonly ItemAttribute<Item>[];
  /** The groups the Attribute vectors panel starts with (e.g. digit 1 vs 7, note density). */
  readonly defaultGroups: AttributeGroups;
}

/** The distance a panel uses for its many comparisons: the domain's session when it has one, else its plain distance. */
export function panelDistance<X extends tf.Tensor, Item>(domain: CompareDomain<X, Item>): (a: Item, b: Item) => number {
  return domain.distanceSession?.() ?? ((a, b) => domain.distance(a, b));
}
