/**
 * A domain that exists only in tests: a handful of 4-number vectors and a linear autoencoder with a
 * 2-number code. Defined entirely here — descriptor, worker part, Compare side — to prove that a
 * new domain reaches the model worker and the Compare lab with no other file changed.
 */
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { LatentModel } from '../../core/latent-model';
import type { CompareDomain } from '../../latent/compare/domain';
import { SyntheticModel, randomVectors, vectorDomain } from '../../latent/compare/testing/synthetic';
import { defineWorkerPart, typedPost } from '../router';
import type { DomainDescriptor } from '../types';

const id = z.number().int();

export const fakeProtocol = {
  id: 'fake',
  requests: [z.object({ id, type: z.literal('fake:ping'), word: z.string().max(20) })],
  responses: [z.object({ id, type: z.literal('fake:progress'), done: z.number() }), z.object({ id, type: z.literal('fake:pong'), word: z.string() })],
  streamed: ['fake:progress'],
} as const;

export const fakeDomain: DomainDescriptor = {
  id: 'fake',
  title: 'Fake',
  manifestKinds: ['fake'],
  lab: { href: '/fake', title: 'Fake lab', summary: 'Only in tests.', plans: [] },
  protocol: fakeProtocol,
  compare: { title: 'Fakes', itemsName: 'vectors', defaultModel: 'linear', modelSchema: z.enum(['linear']), count: { default: 40, max: 40 }, media: 'vector' },
};

type FakeResponse = z.output<(typeof fakeProtocol.responses)[number]>;

export const fakeWorkerPart = defineWorkerPart({
  protocol: fakeProtocol,
  async handle(request, context) {
    const post = typedPost<FakeResponse>(context.post);
    post({ id: request.id, type: 'fake:progress', done: 0.5 });
    post({ id: request.id, type: 'fake:pong', word: request.word.toUpperCase() });
  },
  compare: {
    fake: {
      async load(params) {
        const model = new SyntheticModel({
          encoder: [
            [1, 0],
            [0, 1],
            [0.5, 0],
            [0, 0.5],
          ],
          decoder: [
            [1, 0, 0.5, 0],
            [0, 1, 0, 0.5],
          ],
          logVar: [0, 0],
        });
        const { items, labels } = randomVectors(Math.min(params.count, 40), 4, params.seed);
        const domain = vectorDomain(model, { items, labels, withSigma: true });
        return {
          model: model as LatentModel<tf.Tensor>,
          domain: domain as unknown as CompareDomain<tf.Tensor, unknown>,
          display: (shown) => {
            const values = new Float32Array(shown.length * 4);
            (shown as Float32Array[]).forEach((v, i) => values.set(v, i * 4));
            return { kind: 'vector', values, count: shown.length, dims: 4 };
          },
          source: 'made up in a test',
          notes: [],
          description: { name: 'linear', description: 'a linear autoencoder, 4 → 2 → 4' },
        };
      },
    },
  },
});
