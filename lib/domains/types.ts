/**
 * What a domain (image, melody, drums, timbre …) declares about itself, so that the rest of Latent
 * Lab — the model worker, the Compare lab, the home page and header, the model manifest, the
 * classroom — learns of it from one registry instead of from special cases.
 *
 * A domain is a folder in lib/ (its models, converters, adapters) with two small modules:
 *  - a **descriptor** (TF-free, safe on every page): its id, its lab route, the manifest kinds of its
 *    models, the worker messages it answers (zod schemas), its Compare side;
 *  - a **worker part** (TF.js, loaded only inside the model worker): the handler of those messages and
 *    the loader of its Compare side.
 * Each is one line in a registry: lib/domains/index.ts (descriptors) and lib/domains/workers.ts
 * (worker parts); a test checks that both list the same domains.
 */
import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import type { LatentModel } from '../core/latent-model';
import type { CompareDomain } from '../latent/compare/domain';
import type { CompareProgress } from '../latent/compare/encode';

/** Every message between a page and the model worker has an id (request ↔ answer) and a type. */
export interface WorkerMessage {
  id: number;
  type: string;
}

/** Sends an answer or progress message to the page (transferables are moved, not copied). */
export type Post = (message: WorkerMessage, transfer?: Transferable[]) => void;

/** What a handler gets besides its request. */
export interface HandlerContext {
  post: Post;
  /** Fires when the page cancels this request. */
  signal: AbortSignal;
  /** Every worker part the router knows (the Compare lab finds its sides here). */
  parts: readonly WorkerPart[];
}

/** A zod object schema of one message type (`{ id, type: literal, … }`). */
export type MessageSchema = z.ZodObject<{ id: z.ZodNumber; type: z.ZodLiteral<string> } & z.ZodRawShape>;

/** A lab: a page of its own, listed on the home page and in the header. */
export interface LabInfo {
  href: string;
  title: string;
  summary: string;
  plans: readonly string[];
}

/**
 * The page-safe half of a Compare side: what the page needs to offer it (no TF.js). The worker half
 * is {@link CompareSideLoader}.
 */
export interface CompareSideInfo {
  /** Words for the column heading ("Images", "Melodies"). */
  title: string;
  /** What the items are ("digits", "melodies"), before anything is loaded. */
  itemsName: string;
  /** The model a new column opens on (a shipped id). */
  defaultModel: string;
  /** Checks a model value from a URL: a shipped id, or a domain's own forms (e.g. "url:https://…"). */
  modelSchema: z.ZodType<string>;
  /** Items encoded by default and at most. */
  count: { default: number; max: number };
  /** How its items are shown (and whether they can be heard: sequences and audio can). */
  media: DisplayKind;
}

/**
 * The messages one worker part speaks (TF-free, so pages can check the answers they get): several
 * domains may share a part (melody and drums share "music").
 */
export interface WorkerProtocol {
  /** The part's id; its request types start with it ("music" → "music:load"). */
  id: string;
  requests: readonly MessageSchema[];
  responses: readonly MessageSchema[];
  /** Answer types that report progress of a request still running (they do not settle it). */
  streamed: readonly string[];
}

/** A domain's descriptor: TF-free, imported by pages, the worker, scripts and tests. */
export interface DomainDescriptor {
  /** Short id ("image", "melody"). */
  id: string;
  /** Name for people ("Image", "Melody"). */
  title: string;
  /** Kinds of models/manifest.json entries this domain loads. */
  manifestKinds: readonly string[];
  /** Its lab, if it has one. */
  lab?: LabInfo;
  /** The worker part that answers its labs' requests. */
  protocol: WorkerProtocol;
  /** Its Compare side, if its models can be compared. */
  compare?: CompareSideInfo;
}

/** Items shown on a page: one of a few media kinds every page knows how to draw or play. */
export type DisplayKind = 'image' | 'sequence' | 'audio' | 'vector';

/** A Compare side once its model and set are loaded in the worker. */
export interface LoadedSide<Item> {
  model: LatentModel<tf.Tensor>;
  domain: CompareDomain<tf.Tensor, Item>;
  /** Turns items into what the page shows (see lib/compare/protocol's display items). */
  display(items: readonly Item[]): unknown;
  /** Where the model came from, in words. */
  source: string;
  /** What had to change or was left out while building the set. */
  notes: string[];
  description: { name: string; description: string };
}

/** What a side's load request carries (the domain's loader checks `model` and `data` itself). */
export interface CompareLoadParams {
  /** The model value (see {@link CompareSideInfo.modelSchema}). */
  model: string;
  count: number;
  seed: number;
  /** Files or choices the page picked (domain-specific; validated by the loader). */
  extra?: unknown;
}

/** The worker half of a Compare side. */
export interface CompareSideLoader {
  load(params: CompareLoadParams, progress: (p: CompareProgress) => void, signal: AbortSignal): Promise<LoadedSide<unknown>>;
}

/** A worker part: TF.js allowed; only the model worker (and Node tests and scripts) import it. */
export interface WorkerPart {
  protocol: WorkerProtocol;
  /** Answers one request of {@link WorkerProtocol.requests}, already checked against its schema. */
  handle(request: WorkerMessage, context: HandlerContext): Promise<void>;
  /** Compare sides this part loads, by domain id. */
  compare?: Readonly<Record<string, CompareSideLoader>>;
  /** Frees what the part holds (models, data), e.g. when a test ends. */
  dispose?(): void;
}

/**
 * What a lab hands the classroom bar as its entry: the bytes (MIDI, PNG or WAV), the latent code
 * and the settings that made it, with the entry kind a challenge accepts (the server checks it).
 * A lab with nothing to submit yet says what to do instead.
 */
export interface LabEntry {
  kind: string;
  midi?: Uint8Array;
  png?: Uint8Array;
  wav?: Uint8Array;
  latent?: number[];
  params: Record<string, string | number | boolean | null>;
  /** What is about to be submitted, in words ("the 7-step interpolation"). */
  summary: string;
}

export type LabEntryResult = LabEntry | { problem: string };
