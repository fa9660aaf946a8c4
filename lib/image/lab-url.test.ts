import { describe, expect, it } from 'vitest';
import { DEFAULT_IMAGE_LAB_STATE, DEFAULT_IMAGE_MODEL, IMAGE_LAB_LIMITS, parseImageLabUrl, writeImageLabUrl } from './lab-url';
import { DOWNSAMPLE_KERNELS, IMAGE_MODEL_IDS } from './specs';

const parse = (query: string) => parseImageLabUrl(new URLSearchParams(query));

describe('the image lab URL', () => {
  it('gives every default for an empty query, opening on the dense autoencoder', () => {
    const { state, ignored } = parse('');
    expect(state).toEqual(DEFAULT_IMAGE_LAB_STATE);
    expect(state.model).toBe('dense-ae');
    expect(DEFAULT_IMAGE_MODEL).toBe('dense-ae');
    expect(state.view).toBe('reconstruct');
    expect(state.sigma).toBeUndefined();
    expect(ignored).toEqual([]);
  });

  it('reads typed values and knows the lib constants (every model id and downsampling filter)', () => {
    for (const id of IMAGE_MODEL_IDS) expect(parse(`model=${id}`).state.model).toBe(id);
    for (const k of DOWNSAMPLE_KERNELS) expect(parse(`kernel=${k}`).state.kernel).toBe(k);
    const { state } = parse('model=vae&view=manifold&grid=21&range=2.5&gseed=4294967295&steps=32&mode=slerp&sigma=0.25&proj=umap');
    expect(state).toMatchObject({
      model: 'vae',
      view: 'manifold',
      grid: 21,
      range: 2.5,
      gseed: 4294967295,
      steps: 32,
      mode: 'slerp',
      sigma: 0.25,
      proj: 'umap',
    });
  });

  it('falls back per key on bad values and says which keys it ignored, keeping the good ones', () => {
    const { state, ignored } = parse('model=resnet&grid=99&steps=abc&range=-1&kernel=lanczos&a=1.5&view=latent&backend=wasm');
    expect(state.model).toBe('dense-ae');
    expect(state.grid).toBe(15);
    expect(state.steps).toBe(10);
    expect(state.range).toBe(3);
    expect(state.kernel).toBe('box');
    expect(state.a).toBe(0);
    expect(state.view).toBe('latent');
    expect(ignored.sort()).toEqual(['a', 'grid', 'kernel', 'model', 'range', 'steps']);
    expect(parse(`grid=${IMAGE_LAB_LIMITS.grid[1]}`).state.grid).toBe(30);
    expect(parse(`grid=${IMAGE_LAB_LIMITS.grid[1] + 1}`).ignored).toEqual(['grid']);
  });

  it('writes changes, drops defaults for short links, keeps foreign keys, and refuses values outside the schema', () => {
    const start = new URLSearchParams('backend=wasm&grid=20');
    const next = writeImageLabUrl(start, { model: 'conv-vae', grid: 15, steps: 7, sigma: undefined });
    expect(next.toString()).toBe('backend=wasm&model=conv-vae&steps=7');
    expect(parseImageLabUrl(next).state).toMatchObject({ model: 'conv-vae', grid: 15, steps: 7 });
    expect(start.toString()).toBe('backend=wasm&grid=20');
    expect(() => writeImageLabUrl(start, { steps: 99 })).toThrow();
    expect(() => writeImageLabUrl(start, { model: 'resnet' as 'vae' })).toThrow();
  });

  it('keeps a picked point of the code plane as "x,y" within ±10', () => {
    expect(parse('z=1.5,-2').state.z).toEqual([1.5, -2]);
    expect(parse('z=').state.z).toBeUndefined();
    for (const bad of ['1', '1,2,3', 'a,b', '11,0']) expect(parse(`z=${bad}`).ignored).toEqual(['z']);
    const next = writeImageLabUrl(new URLSearchParams(), { z: [0.25, -3] });
    expect(next.toString()).toBe('z=0.25%2C-3');
    expect(parseImageLabUrl(next).state.z).toEqual([0.25, -3]);
  });
});
