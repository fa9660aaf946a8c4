import { describe, expect, it } from 'vitest';
import { compareUrl, compareUrlParams, formatGroups, parseGroups, readCompareUrl } from './url-state';

describe('compare URL state', () => {
  it('gives the defaults for an empty link and round-trips a full one', () => {
    const { state, problems } = readCompareUrl(new URLSearchParams());
    expect(problems).toEqual([]);
    expect(state).toEqual(compareUrl.defaults);
    expect(state.image).toBe('vae');
    expect(state.music).toBe('mel_2bar');
    expect(compareUrlParams(state).toString()).toBe('');
    const link =
      'image=saved%3Amy+vae&in=500&music=url%3Ahttps%3A%2F%2Fexample.org%2Fmel&proj=umap&metric=euclidean&k=5&pairs=8&mode=slerp&seed=42&igroups=3%3A8&mgroups=density&isel=12';
    const back = readCompareUrl(new URLSearchParams(link));
    expect(back.problems).toEqual([]);
    expect(back.state).toMatchObject({
      image: 'saved:my vae',
      in: 500,
      music: 'url:https://example.org/mel',
      proj: 'umap',
      k: 5,
      pairs: 8,
      mode: 'slerp',
      seed: 42,
      igroups: '3:8',
      isel: 12,
    });
    expect(readCompareUrl(compareUrlParams(back.state)).state).toEqual(back.state);
  });

  it('keeps the good values of a damaged link and says what it replaced', () => {
    const { state, problems } = readCompareUrl(new URLSearchParams('in=99999&pairs=8&proj=tsne&music=javascript:alert(1)&igroups=a:b:c&seed=-1&backend=wasm'));
    expect(state.pairs).toBe(8);
    expect(state.in).toBe(2000);
    expect(state.proj).toBe('pca');
    expect(state.music).toBe('mel_2bar');
    expect(state.igroups).toBeUndefined();
    expect(state.seed).toBe(1);
    expect(problems.map((p) => p.key).sort()).toEqual(['igroups', 'in', 'music', 'proj', 'seed']);
    expect(problems.find((p) => p.key === 'in')?.message).toMatch(/"99999" is not a valid in .*using 2000/);
  });

  it('reads and writes attribute groups', () => {
    expect(parseGroups('1:7')).toEqual({ kind: 'label', a: '1', b: '7' });
    expect(parseGroups('thickness')).toEqual({ kind: 'attribute', id: 'thickness' });
    expect(parseGroups('Thick ness')).toBeUndefined();
    expect(formatGroups({ kind: 'label', a: 'twinkle', b: 'ode-to-joy' })).toBe('twinkle:ode-to-joy');
  });
});
