import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lostTargets, type TargetCheck } from './card';
import { pathInModels } from './card-node';

const t = (target: string, met: boolean): TargetCheck => ({ target, value: 1, met });

describe('lostTargets', () => {
  it('lists the met targets that are now unmet or missing, matched by position', () => {
    expect(lostTargets([t('a', true), t('b', true)], [t('a', true), t('b', false)])).toEqual([t('b', true)]);
    // The text may change (it carries the dense VAE's loss); the position decides.
    expect(lostTargets([t('below 37.52', true)], [t('below 37.53', true)])).toEqual([]);
    expect(lostTargets([t('a', true)], [])).toEqual([t('a', true)]);
    expect(lostTargets([t('a', false)], [t('a', false)])).toEqual([]);
    expect(lostTargets([], [t('a', false)])).toEqual([]);
  });
});

describe('pathInModels', () => {
  it('gives the path inside models/ and nothing for folders elsewhere', () => {
    expect(pathInModels('models/image/vae')).toBe('image/vae');
    expect(pathInModels(path.resolve('models', 'image', 'vae'))).toBe('image/vae');
    expect(pathInModels('models')).toBe('');
    expect(pathInModels('models-other/vae')).toBeUndefined();
    expect(pathInModels('models/../runs/vae')).toBeUndefined();
    expect(pathInModels(path.join(os.tmpdir(), 'vae'))).toBeUndefined();
  });
});
