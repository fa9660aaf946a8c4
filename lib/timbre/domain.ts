/**
 * The timbre domain's descriptor (TF-free, safe on every page): its lab, its model's manifest kind,
 * its worker messages and its Compare side. The worker half is ./worker (timbreWorkerPart).
 */
import type { DomainDescriptor } from '../domains/types';
import { timbreCompareModelSchema } from './compare-model';
import { timbreProtocol } from './protocol';

export const timbreDomain = {
  id: 'timbre',
  title: 'Timbre',
  manifestKinds: ['timbre'],
  lab: {
    href: '/music/timbre',
    title: 'Timbre lab',
    summary: 'An autoencoder for sounds: morph one instrument into another, blend four on a pad, and play any melody with any point in between.',
    plans: [
      'Choose sounds: 111 General MIDI instruments, a dropped WAV, or one note you sing or play',
      'A morph strip, a four-corner pad that sounds as you drag, a map of all sounds, random timbres',
      'Export WAV; play melodies in the melody lab with a timbre or a timbre morph',
    ],
  },
  protocol: timbreProtocol,
  compare: {
    title: 'Sounds',
    itemsName: 'notes',
    defaultModel: 'timbre',
    modelSchema: timbreCompareModelSchema,
    count: { default: 111, max: 111 },
    media: 'audio',
  },
} as const satisfies DomainDescriptor;
