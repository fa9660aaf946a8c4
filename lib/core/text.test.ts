import { describe, expect, it } from 'vitest';
import { capitalize, count } from './text';

describe('count', () => {
  it('says 1 epoch, 2 epochs, 0 files, and takes irregular plurals', () => {
    expect(count(1, 'epoch')).toBe('1 epoch');
    expect(count(2, 'epoch')).toBe('2 epochs');
    expect(count(0, 'file')).toBe('0 files');
    expect(count(1200, 'note')).toBe('1,200 notes');
    expect(count(2, 'child', 'children')).toBe('2 children');
  });
});

describe('capitalize', () => {
  it('capitalises the first letter only', () => {
    expect(capitalize('melody from track 1')).toBe('Melody from track 1');
    expect(capitalize('')).toBe('');
  });
});
