/** The labs, in one place for the header, the home page and the placeholders. */
export interface Lab {
  href: string;
  title: string;
  summary: string;
  /** 'ready' once the lab really works; placeholders are clearly marked. */
  status: 'ready' | 'coming-soon';
  plans: string[];
}

export const LABS: readonly Lab[] = [
  {
    href: '/image',
    title: 'Image lab',
    summary: 'Autoencoders on handwritten digits: compress, rebuild, denoise, sharpen and dream up new digits.',
    status: 'ready',
    plans: [
      'Dense and convolutional autoencoders, VAEs with a 2-D latent space, denoising and super-resolution on MNIST',
      'Train in your browser with live loss charts, or start from the pretrained models',
      'Latent scatter plots, a manifold grid, generation from random codes and interpolation strips',
    ],
  },
  {
    href: '/music/melody',
    title: 'Melody lab',
    summary: 'Morph one 2-bar melody into another through a MusicVAE latent space, and hear every step.',
    status: 'ready',
    plans: ['Pick melodies from examples, MIDI files or a piano roll', 'Interpolate with lerp or slerp, make variations', 'Play, and export MIDI or WAV'],
  },
  {
    href: '/music/drums',
    title: 'Drum lab',
    summary: 'Sample new drum grooves and blend four patterns by dragging a puck across a square.',
    status: 'ready',
    plans: [
      'Sample 2-bar patterns with temperature and seed',
      'Edit them on a step grid and loop them',
      'Beat-Blender style 4-corner blending; export MIDI or WAV',
    ],
  },
  {
    href: '/compare',
    title: 'Compare',
    summary: 'Put an image model and a music model side by side, through the same analyses.',
    status: 'ready',
    plans: [
      'Maps of the codes (PCA, UMAP) with nearest neighbours; which code units are used',
      'Smooth or jumpy interpolation paths; holes in the prior; attribute vectors',
      'Export figures (SVG, PNG) and numbers (CSV, JSON); the same numbers from the command line',
    ],
  },
  {
    href: '/classroom',
    title: 'Classroom',
    summary: 'A teacher runs a challenge with a join code; students make an entry in a lab, submit it, listen and vote, live.',
    status: 'ready',
    plans: [
      'Challenge sessions with a join code and QR code',
      'Submissions from the labs, a live gallery, listening and voting',
      'Moderation, export as ZIP, automatic deletion',
    ],
  },
];

export function labByHref(href: string): Lab {
  const lab = LABS.find((l) => l.href === href);
  if (!lab) throw new Error(`No lab at ${href}`);
  return lab;
}
