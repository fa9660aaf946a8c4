import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { DOMAINS } from '../domains';
import type { DomainDescriptor } from '../domains/types';
import { compareUrl, compareUrlParams, formatGroups, parseColumnValue, parseGroups, readCompareUrl } from './url-state';

describe('compare URL state', () => {
  it('gives the defaults for an empty link and round-trips a full one', () => {
    const { state, problems } = readCompareUrl(new URLSearchParams());
    expect(problems).toEqual([]);
    expect(state).toEqual(compareUrl.defaults);
    expect(state.a).toBe('image:vae');
    expect(state.b).toBe('melody:mel_2bar');
    expect(compareUrlParams(state).toString()).toBe('');
    const link =
      'a=image%3Asaved%3Amy+vae&an=500&b=melody%3Aurl%3Ahttps%3A%2F%2Fexample.org%2Fmel&proj=umap&metric=euclidean&k=5&pairs=8&mode=slerp&seed=42&agroups=3%3A8&bgroups=density&asel=12';
    const back = readCompareUrl(new URLSearchParams(link));
    expect(back.problems).toEqual([]);
    expect(back.state).toMatchObject({
      a: 'image:saved:my vae',
      an: 500,
      b: 'melody:url:https://example.org/mel',
      proj: 'umap',
      k: 5,
      pairs: 8,
      mode: 'slerp',
      seed: 42,
      agroups: '3:8',
      asel: 12,
    });
    expect(readCompareUrl(compareUrlParams(back.state)).state).toEqual(back.state);
  });

  it('reads links from before columns (image and music sides) as the same comparison', () => {
    const { state, problems } = readCompareUrl(new URLSearchParams('image=conv-vae&in=500&music=drums_2bar&mn=300&msel=7&mgroups=hits&igroups=1:7'));
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ a: 'image:conv-vae', an: 500, b: 'drums:drums_2bar', bn: 300, bsel: 7, bgroups: 'hits', agroups: '1:7' });
  });

  it('keeps the good values of a damaged link and says what it replaced', () => {
    const { state, problems } = readCompareUrl(
      new URLSearchParams('an=99999&pairs=8&proj=tsne&b=melody:javascript:alert(1)&agroups=a:b:c&seed=-1&backend=wasm&a=sound:x'),
    );
    expect(state.pairs).toBe(8);
    expect(state.an).toBe(2000);
    expect(state.proj).toBe('pca');
    expect(state.b).toBe('melody:mel_2bar');
    expect(state.a).toBe('image:vae');
    expect(state.agroups).toBeUndefined();
    expect(state.seed).toBe(1);
    expect(problems.map((p) => p.key).sort()).toEqual(['a', 'agroups', 'an', 'b', 'proj', 'seed']);
    expect(problems.find((p) => p.key === 'an')?.message).toMatch(/"99999" is not a valid an .*using 2000/);
    expect(problems.find((p) => p.key === 'a')?.message).toMatch(/domain among image, melody, drums/);
  });

  it('accepts a column of any domain with a Compare side, and only those', () => {
    expect(parseColumnValue('drums:drums_2bar')?.domain.id).toBe('drums');
    expect(parseColumnValue('melody:drums_2bar')).toBeUndefined();
    expect(parseColumnValue('fake:one')).toBeUndefined();
    const fake: DomainDescriptor = {
      id: 'fake',
      title: 'Fake',
      manifestKinds: [],
      protocol: { id: 'fake', requests: [], responses: [], streamed: [] },
      compare: {
        title: 'Fakes',
        itemsName: 'fakes',
        defaultModel: 'one',
        modelSchema: z.enum(['one', 'two']),
        count: { default: 10, max: 20 },
        media: 'vector',
      },
    };
    const domains = [...DOMAINS, fake];
    expect(parseColumnValue('fake:one', domains)?.domain.id).toBe('fake');
    expect(readCompareUrl(new URLSearchParams('b=fake:two'), domains).state.b).toBe('fake:two');
    expect(readCompareUrl(new URLSearchParams('b=fake:three'), domains).problems.map((p) => p.key)).toEqual(['b']);
  });

  it('reads and writes attribute groups', () => {
    expect(parseGroups('1:7')).toEqual({ kind: 'label', a: '1', b: '7' });
    expect(parseGroups('thickness')).toEqual({ kind: 'attribute', id: 'thickness' });
    expect(parseGroups('Thick ness')).toBeUndefined();
    expect(formatGroups({ kind: 'label', a: 'twinkle', b: 'ode-to-joy' })).toBe('twinkle:ode-to-joy');
  });
});
