/**
 * The melody and drum domains' descriptors (TF-free, safe on every page): their labs, their models'
 * manifest kinds, their worker messages (both are served by ./worker's musicWorkerPart) and their
 * Compare sides.
 */
import type { DomainDescriptor } from '../domains/types';
import { musicCompareModelSchema } from './compare-model';
import { musicProtocol } from './protocol';
import { SHIPPED_MUSIC_MODELS } from './shipped';

export const melodyDomain = {
  id: 'melody',
  title: 'Melody',
  manifestKinds: ['melody'],
  lab: {
    href: '/music/melody',
    title: 'Melody lab',
    summary: 'Morph one 2-bar melody into another through a MusicVAE latent space, and hear every step.',
    plans: ['Pick melodies from examples, MIDI files or a piano roll', 'Interpolate with lerp or slerp, make variations', 'Play, and export MIDI or WAV'],
  },
  protocol: musicProtocol,
  compare: {
    title: 'Melodies',
    itemsName: 'melodies',
    defaultModel: SHIPPED_MUSIC_MODELS.melody,
    modelSchema: musicCompareModelSchema('melody'),
    count: { default: 2000, max: 5000 },
    media: 'sequence',
  },
} as const satisfies DomainDescriptor;

export const drumsDomain = {
  id: 'drums',
  title: 'Drums',
  manifestKinds: ['drums'],
  lab: {
    href: '/music/drums',
    title: 'Drum lab',
    summary: 'Sample new drum grooves and blend four patterns by dragging a puck across a square.',
    plans: [
      'Sample 2-bar patterns with temperature and seed',
      'Edit them on a step grid and loop them',
      'Beat-Blender style 4-corner blending; export MIDI or WAV',
    ],
  },
  protocol: musicProtocol,
  compare: {
    title: 'Drum patterns',
    itemsName: 'drum patterns',
    defaultModel: SHIPPED_MUSIC_MODELS.drums,
    modelSchema: musicCompareModelSchema('drums'),
    count: { default: 2000, max: 5000 },
    media: 'sequence',
  },
} as const satisfies DomainDescriptor;
