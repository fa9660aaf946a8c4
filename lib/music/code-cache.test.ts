import { describe, expect, it } from 'vitest';
import { CancelledError } from '../core/errors';
import { CodeCache, type CachedCode } from './code-cache';

const code = (v: number): CachedCode => ({ z: Float32Array.from([v]), matchingSteps: 32, totalSteps: 32, eventSteps: 8, matchingEventSteps: 8 });

describe('CodeCache', () => {
  it('keys inputs by labels and refinement settings', () => {
    expect(CodeCache.key([1, 2], { steps: 50 })).toBe(CodeCache.key(Int32Array.from([1, 2]), { steps: 50 }));
    expect(CodeCache.key([1, 2], { steps: 50 })).not.toBe(CodeCache.key([1, 2], { steps: 40 }));
    expect(CodeCache.key([1, 2], { steps: 50 })).not.toBe(CodeCache.key([1, 2], undefined));
    expect(CodeCache.key([1, 2], { steps: 50, learningRate: 0.5 })).not.toBe(CodeCache.key([1, 2], { steps: 50 }));
  });

  it('gives back what was kept, waits for a code in flight, and forgets one whose computation failed', async () => {
    const cache = new CodeCache();
    cache.set('a', Promise.resolve(code(1)));
    expect((await cache.get('a'))?.z[0]).toBe(1);
    let finish: (c: CachedCode) => void = () => undefined;
    cache.set('b', new Promise((resolve) => (finish = resolve)));
    const waiting = cache.get('b');
    finish(code(2));
    expect((await waiting)?.z[0]).toBe(2);
    cache.set('c', Promise.reject(new CancelledError('Refining')));
    expect(await cache.get('c')).toBeUndefined();
    await Promise.resolve();
    expect(await cache.get('c')).toBeUndefined();
    expect(await cache.get('missing')).toBeUndefined();
  });

  it('holds at most `limit` codes, dropping the least recently used', async () => {
    const cache = new CodeCache(2);
    cache.set('a', Promise.resolve(code(1)));
    cache.set('b', Promise.resolve(code(2)));
    await cache.get('a'); // a is now the most recent
    cache.set('c', Promise.resolve(code(3)));
    expect(cache.size).toBe(2);
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.z[0]).toBe(1);
  });
});
