import { describe, expect, it } from 'vitest';
import { lostTargets, type TargetCheck } from './image-card';

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
