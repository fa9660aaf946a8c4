/** What each Compare panel shows and what to look for, in a learner's words (one text for both sides). */
import type { ComparePanel } from '@/lib/latent/compare/options';

export const PANEL_TITLES: Record<ComparePanel, string> = {
  map: 'Map: where the codes lie',
  units: 'Units: which numbers of the code are used',
  paths: 'Paths: morph or jump?',
  holes: 'Holes: does every code decode to something real?',
  attributes: 'Attribute vectors: a direction that means “more of”',
};

export const PANEL_TEXTS: Record<ComparePanel, string[]> = {
  map: [
    'Each dot is one item of the set, placed by its code and coloured by its label. Items the model finds alike should sit together.',
    'PCA is a flat shadow of the code: the percentages say how much of the codes’ spread the two axes show. UMAP bends the space so that neighbours stay neighbours.',
    'Label agreement: of each item’s nearest neighbours in the full code, the share with the same label — compare it with chance. Hover a dot to see or hear it; click it to list its nearest neighbours.',
  ],
  units: [
    'A code is a list of numbers (units). A bar shows how much one unit is used: its KL to the prior — how much it tells the decoder about the input, in nats — or, for a plain autoencoder without σ, how much its value varies.',
    'A unit whose value hardly changes from item to item (variance of μ ≤ 0.01) is inactive: the decoder can read nothing from it. Many inactive units is “posterior collapse”.',
  ],
  paths: [
    'Walk from one item’s code to another’s in a straight line (lerp) or along the sphere (slerp), decode 11 points, and measure how far each step moves the decoded item.',
    'Each line is one walk, each step as a share of the distance between the two ends. An even morph moves 0.1 per step; a jump puts most of the change in one step. Smoothness = largest step ÷ end-to-end distance: 0.1 is perfectly even, 1 is one jump.',
  ],
  holes: [
    'A VAE is trained so that random codes from a standard normal (the prior) decode to plausible items. Where real items’ codes leave a region empty, such a draw lands in a hole.',
    'Left: how densely real codes surround each point (log q), for prior draws and for real codes; the line is the real codes’ 1st percentile. The share is the fraction of prior draws below it: about 1% means no holes. Right: how far each decode is from its nearest real item. The worst draws are shown below.',
  ],
  attributes: [
    'Take two groups — two labels, or the lowest and highest quarter of a measured attribute. The arrow from one group’s average code to the other’s is an attribute vector.',
    'Add it, step by step, to items of the first group (up to 1.5×, past the other group) and decode: does the attribute really grow? Consistency is the mean cosine between the arrow and the differences of random pairs from the two groups: near 1, every pair differs that way; near 0, the arrow is only an average of unrelated differences.',
  ],
};
