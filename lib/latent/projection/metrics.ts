/** How "near" is measured between codes (TF-free: pages and URL state read it). */
export const NEIGHBOUR_METRICS = ['cosine', 'euclidean'] as const;
export type NeighbourMetric = (typeof NEIGHBOUR_METRICS)[number];
