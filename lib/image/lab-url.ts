/**
 * The image lab's state as it lives in the URL (`/image?model=vae&view=manifold&grid=15`), so a
 * teacher can share exactly one view (see lib/core/url-state): every key with its type, range and
 * default, built from lib/image's constants. Bad or missing values fall back to the key's default
 * and are reported; the rest of the link is kept.
 */
import { z } from 'zod';
import { INTERPOLATION_MODES, INTERPOLATION_STEPS } from '../core/latent-model';
import { MAX_SEED } from '../core/random';
import { defineUrlState, urlInt, urlNum } from '../core/url-state';
import { DOWNSAMPLE_KERNELS, IMAGE_MODEL_IDS } from './specs';

/** The lab's views, in tab order. */
export const IMAGE_LAB_VIEWS = ['reconstruct', 'latent', 'manifold', 'generate', 'interpolate', 'baseline'] as const;
export type ImageLabView = (typeof IMAGE_LAB_VIEWS)[number];

/**
 * The model the lab opens on: the dense autoencoder, whose reconstructions show the lesson at once
 * (784 pixels through 32 numbers and back, recognisably). The 2-D VAE, the old default, turns many
 * digits into other digits — the point of its own lesson (two numbers cannot keep ten kinds of
 * digits apart), which its views now explain, but a confusing first sight.
 */
export const DEFAULT_IMAGE_MODEL = 'dense-ae' satisfies (typeof IMAGE_MODEL_IDS)[number];

/** Limits of the numeric settings (the controls use the same). */
export const IMAGE_LAB_LIMITS = {
  reconSeed: [0, 1_000_000],
  noiseSigma: [0, 2],
  grid: [2, 30],
  range: [0.5, 10],
  seed: [0, MAX_SEED],
  latentSigma: [0, 5],
  steps: [INTERPOLATION_STEPS.min, INTERPOLATION_STEPS.max],
  /** Test-digit indices (the page also clamps them to the loaded data). */
  index: [0, 1_000_000],
  /** Each coordinate of a picked point of the 2-D code plane. */
  point: [-10, 10],
} as const;

const L = IMAGE_LAB_LIMITS;

/** A point of the 2-D code plane from its text `x,y` (both within the plane's limits), or undefined. */
export function parsePoint(raw: string | null | undefined): [number, number] | undefined {
  if (!raw) return undefined;
  const parts = raw.split(',').map(Number);
  const [x, y] = parts;
  if (parts.length !== 2 || x === undefined || y === undefined || !parts.every((v) => Number.isFinite(v) && v >= L.point[0] && v <= L.point[1]))
    return undefined;
  return [x, y];
}

/** The text of a code point, `0.52,-1.2` (three decimals), as the lab's `z` parameter holds it. */
export function formatPoint(z: readonly number[]): string {
  return z.map((v) => String(Math.round(v * 1000) / 1000)).join(',');
}

/** A point of the 2-D code plane as `x,y` (what the manifold grid's click writes). */
const point = z.string().transform((raw, ctx) => {
  const parsed = parsePoint(raw);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `a point is "x,y" with both from ${L.point[0]} to ${L.point[1]}` });
    return z.NEVER;
  }
  return parsed;
});

export const imageLabUrl = defineUrlState({
  model: z.enum(IMAGE_MODEL_IDS).default(DEFAULT_IMAGE_MODEL),
  view: z.enum(IMAGE_LAB_VIEWS).default('reconstruct'),
  /** Reconstructions: which test digits (0 = the first ten; other seeds pick ten at random). */
  rs: urlInt(...L.reconSeed).default(0),
  /** Reconstructions of the denoiser: the noise σ (absent: the model's own). */
  sigma: urlNum(...L.noiseSigma).optional(),
  /** Reconstructions of the super-resolution models: how the small digit is made. */
  kernel: z.enum(DOWNSAMPLE_KERNELS).default('box'),
  /** Latent scatter: the projection of codes above 2-D. */
  proj: z.enum(['pca', 'umap']).default('pca'),
  /** Manifold grid: cells per side, the range of the code plane and the picked point. */
  grid: urlInt(...L.grid).default(15),
  range: urlNum(...L.range).default(3),
  z: point.optional(),
  /** Generate: the seed of the random codes; latent noise: test digit and σ. */
  gseed: urlInt(...L.seed).default(1),
  ni: urlInt(...L.index).default(0),
  nsigma: urlNum(...L.latentSigma).default(0.5),
  /** Interpolate: the two test digits, the number of steps and the path. */
  a: urlInt(...L.index).default(0),
  b: urlInt(...L.index).default(1),
  steps: urlInt(...L.steps).default(10),
  mode: z.enum(INTERPOLATION_MODES).default('lerp'),
});

export type ImageLabState = typeof imageLabUrl.defaults;
export type ImageLabKey = keyof ImageLabState & string;
export type ImageLabPatch = { [K in keyof ImageLabState]?: ImageLabState[K] | undefined };

/** The state with every default (what an empty query string means). */
export const DEFAULT_IMAGE_LAB_STATE: ImageLabState = imageLabUrl.defaults;

/** Reads the lab's state from a query string (see `imageLabUrl.parse`). */
export function parseImageLabUrl(params: URLSearchParams): { state: ImageLabState; ignored: ImageLabKey[] } {
  return imageLabUrl.parse(params);
}

/** Applies a patch to a query string (see `imageLabUrl.write`). @throws {z.ZodError} for a value outside the schema. */
export function writeImageLabUrl(params: URLSearchParams, patch: ImageLabPatch): URLSearchParams {
  return imageLabUrl.write(params, patch);
}
