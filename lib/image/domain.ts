/**
 * The image domain's descriptor (TF-free, safe on every page): its lab, its models' manifest kind,
 * its worker messages and its Compare side. The worker half is ./worker (imageWorkerPart).
 */
import type { DomainDescriptor } from '../domains/types';
import { imageCompareModelSchema } from './compare-model';
import { imageProtocol } from './protocol';

export const imageDomain = {
  id: 'image',
  title: 'Image',
  manifestKinds: ['image'],
  lab: {
    href: '/image',
    title: 'Image lab',
    summary: 'Autoencoders on handwritten digits: compress, rebuild, denoise, sharpen and dream up new digits.',
    plans: [
      'Dense and convolutional autoencoders, VAEs with a 2-D latent space, denoising and super-resolution on MNIST',
      'Train in your browser with live loss charts, or start from the pretrained models',
      'Latent scatter plots, a manifold grid, generation from random codes and interpolation strips',
    ],
  },
  protocol: imageProtocol,
  compare: {
    title: 'Images',
    itemsName: 'digits',
    defaultModel: 'vae',
    modelSchema: imageCompareModelSchema,
    count: { default: 2000, max: 2000 },
    media: 'image',
  },
} as const satisfies DomainDescriptor;
