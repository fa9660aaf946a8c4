/**
 * The Compare analyses' fixed numbers and option ranges, in one TF-free module: the analyses, the
 * command line, the worker protocol and the page's URL state all read them from here.
 */
import { INTERPOLATION_MODES, type InterpolationMode } from '../../core/latent-model';
import { MAX_SEED } from '../../core/random';

/** Analyses the lab runs on each side, in the order the page shows them. */
export const COMPARE_PANELS = ['map', 'units', 'paths', 'holes', 'attributes'] as const;
export type ComparePanel = (typeof COMPARE_PANELS)[number];

/** How "near" is measured between codes in the map's neighbour lists. */
export { NEIGHBOUR_METRICS, type NeighbourMetric } from '../projection/metrics';

/** 2-D views of the codes. */
export const MAP_PROJECTIONS = ['pca', 'umap'] as const;
export type MapProjection = (typeof MAP_PROJECTIONS)[number];

/** Interpolation paths walked in the Paths panel. */
export const PATH_MODES = INTERPOLATION_MODES;
export type PathMode = InterpolationMode;

/** Points on every interpolation path, both ends included (10 steps between them). */
export const PATH_STEPS = 11;
/** Points along an attribute vector, from the item itself to 1.5× the vector. */
export const ATTRIBUTE_STEPS = 8;
/** How far past the other group's centroid the attribute walk goes (1.5 = 50% overshoot). */
export const ATTRIBUTE_OVERSHOOT = 1.5;
/** A latent unit is active when the variance of μ over the set exceeds this (Burda et al., 2016). */
export const ACTIVE_UNIT_THRESHOLD = 0.01;
/** Prior draws count as "in a hole" when log q(z) is below this percentile of log q on real codes. */
export const HOLES_PERCENTILE = 1;

/** Limits and defaults of every option (the URL, the CLI and the worker all enforce them). */
export const COMPARE_LIMITS = {
  items: { min: 10, max: 5000, default: 2000 },
  neighbours: { min: 1, max: 50, default: 10 },
  pairs: { min: 1, max: 64, default: 24 },
  priorDraws: { min: 100, max: 5000, default: 1000 },
  decodedDraws: { min: 4, max: 128, default: 48 },
  worst: { min: 1, max: 16, default: 8 },
  attributeItems: { min: 1, max: 8, default: 4 },
  consistencyPairs: { min: 10, max: 5000, default: 500 },
  seed: { min: 0, max: MAX_SEED, default: 1 },
} as const;
