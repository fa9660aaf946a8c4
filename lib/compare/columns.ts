/**
 * The Compare lab's two columns. Each shows one domain's model on that domain's data, through the
 * same analyses; which domain a column shows is the user's choice (images beside melodies, two image
 * models, drums beside timbres …).
 */
export const COMPARE_COLUMNS = ['a', 'b'] as const;
export type CompareColumn = (typeof COMPARE_COLUMNS)[number];
