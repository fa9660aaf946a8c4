/**
 * A new domain is a folder plus a line in each registry: this test adds a fake one (defined in
 * ./testing, nowhere else) and finds it in the model worker's router, in the Compare lab (worker
 * and URL), among the labs and in the page's answer checks.
 */
import { describe, expect, it } from 'vitest';
import { compareUrlState, parseColumnValue } from '../compare/url-state';
import { liveTensorCount } from '../core/memory';
import { DOMAINS, domainProtocols, manifestKinds } from '.';
import { labsOf } from './labs';
import { responseSchemaFor, streamedTypes } from './protocol';
import { createRequestRouter } from './router';
import { fakeDomain, fakeWorkerPart } from './testing/fake-domain';
import type { WorkerMessage } from './types';
import { WORKER_PARTS } from './workers';

function recorder() {
  const messages: (WorkerMessage & Record<string, unknown>)[] = [];
  return { messages, post: (m: WorkerMessage) => messages.push(m as WorkerMessage & Record<string, unknown>) };
}

describe('a domain added in a test folder', () => {
  const domains = [...DOMAINS, fakeDomain];
  const parts = [...WORKER_PARTS, fakeWorkerPart];

  it('is answered by the model worker, and its requests are checked against its own schema', async () => {
    const { messages, post } = recorder();
    const router = createRequestRouter(parts, post);
    expect(router.types).toContain('fake:ping');
    await router.handle({ id: 1, type: 'fake:ping', word: 'hello' });
    expect(messages).toEqual([
      { id: 1, type: 'fake:progress', done: 0.5 },
      { id: 1, type: 'fake:pong', word: 'HELLO' },
    ]);
    await router.handle({ id: 2, type: 'fake:ping', word: 42 });
    expect(messages.at(-1)).toMatchObject({ id: 2, type: 'error', name: 'InvalidInputError' });
    await router.handle({ id: 3, type: 'fake:pang' });
    expect(messages.at(-1)).toMatchObject({ id: 3, type: 'error', message: expect.stringMatching(/does not know "fake:pang"/) });
    // Without the fake part, the same request is unknown: the router learns of domains only from its parts.
    const plain = recorder();
    await createRequestRouter(WORKER_PARTS, plain.post).handle({ id: 4, type: 'fake:ping', word: 'x' });
    expect(plain.messages[0]).toMatchObject({ type: 'error' });
  });

  it('shows up in the Compare lab: a column loads it and every panel runs on it', async () => {
    const before = liveTensorCount();
    const { messages, post } = recorder();
    const router = createRequestRouter(parts, post);
    await router.handle({ id: 10, type: 'compare:load', column: 'b', load: { domain: 'fake', model: 'linear', count: 40, seed: 3 } });
    const loaded = messages.find((m) => m.type === 'compare:loaded');
    expect(loaded, JSON.stringify(messages.at(-1))).toBeDefined();
    expect(loaded?.info).toMatchObject({ column: 'b', domain: 'fake', header: { side: 'fake', model: { name: 'linear', zDims: 2 }, data: { items: 40 } } });
    for (const [i, panel] of ['map', 'units', 'paths', 'holes', 'attributes'].entries()) {
      await router.handle({ id: 20 + i, type: 'compare:panel', column: 'b', panel, settings: { seed: 1, k: 5, umap: false, pairs: 4 } });
      const done = messages.at(-1);
      expect(done, JSON.stringify(done)).toMatchObject({ id: 20 + i, type: 'compare:panel:done', column: 'b', result: { panel } });
    }
    await router.handle({ id: 30, type: 'compare:items', column: 'b', indices: [0, 1] });
    expect(messages.at(-1)).toMatchObject({ type: 'compare:items:done', items: { kind: 'vector', count: 2, dims: 4 } });
    await router.handle({ id: 31, type: 'compare:dispose' });
    expect(messages.at(-1)).toEqual({ id: 31, type: 'ok' });
    expect(liveTensorCount()).toBe(before);
  });

  it('is offered by the Compare page, listed among the labs and its answers pass the page checks', () => {
    expect(parseColumnValue('fake:linear', domains)?.domain.id).toBe('fake');
    expect(compareUrlState(domains).parse(new URLSearchParams('a=fake:linear')).state.a).toBe('fake:linear');
    expect(labsOf(domains).map((l) => l.href)).toContain('/fake');
    expect(manifestKinds(domains)).toContain('fake');
    const protocols = domainProtocols(domains);
    expect(protocols.map((p) => p.id)).toEqual([...new Set(DOMAINS.map((d) => d.protocol.id)), 'fake']);
    const answers = responseSchemaFor(protocols);
    expect(answers.safeParse({ id: 1, type: 'fake:pong', word: 'HI' }).success).toBe(true);
    expect(answers.safeParse({ id: 1, type: 'fake:pong', word: 7 }).success).toBe(false);
    expect(streamedTypes(protocols).has('fake:progress')).toBe(true);
  });
});

describe('the registries', () => {
  it('list the same domains: every descriptor protocol has its worker part, every Compare side its loader', () => {
    const partIds: string[] = WORKER_PARTS.map((p) => p.protocol.id);
    for (const d of DOMAINS) {
      expect(partIds, `${d.id}'s worker part`).toContain(d.protocol.id);
      const part = WORKER_PARTS.find((p) => p.protocol.id === d.protocol.id);
      expect(part?.protocol, `${d.id}: the descriptor and the worker part speak one protocol`).toBe(d.protocol);
      if (d.compare) expect(part?.compare?.[d.id], `${d.id}'s Compare side`).toBeDefined();
    }
    const served = new Set<string>(DOMAINS.map((d) => d.protocol.id));
    expect(partIds.filter((id) => !served.has(id))).toEqual(['compare', 'sound', 'finetune']);
  });
});

describe('models/manifest.json', () => {
  it('lists only models some domain loads', async () => {
    const { readFile } = await import('node:fs/promises');
    const { manifestSchema } = await import('../core/model-manifest');
    const manifest = manifestSchema.parse(JSON.parse(await readFile('models/manifest.json', 'utf8')));
    const kinds = manifestKinds();
    expect(manifest.models.filter((m) => !kinds.includes(m.kind)).map((m) => `${m.id} (${m.kind})`)).toEqual([]);
  });
});
