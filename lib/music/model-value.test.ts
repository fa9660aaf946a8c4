import { describe, expect, it } from 'vitest';
import { musicCompareModelSchema } from './compare-model';
import { drumLabUrl, melodyLabUrl } from './lab-url';
import { modelValueOf, musicModelValueSchema, sourceOfModelValue } from './model-value';

describe('naming a music model in text', () => {
  it('takes the shipped id, saved:<name> and url:https://…, and nothing else', () => {
    const melody = musicModelValueSchema('melody');
    for (const ok of ['mel_2bar', 'saved:my jigs', 'saved:band-2026.take_3', 'url:https://example.org/ckpt/mel'])
      expect(melody.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['drums_2bar', 'saved:', 'saved:../x', 'saved:' + 'x'.repeat(49), 'url:ftp://x', 'folder', 'javascript:alert(1)'])
      expect(melody.safeParse(bad).success, bad).toBe(false);
  });

  it('loads each form from where it lives, and names a loaded model the same way', () => {
    expect(sourceOfModelValue('saved:my jigs')).toEqual({ kind: 'saved', name: 'my jigs' });
    expect(sourceOfModelValue('url:https://example.org/m')).toEqual({ kind: 'url', url: 'https://example.org/m' });
    expect(sourceOfModelValue('mel_2bar')).toEqual({ kind: 'shipped' });
    expect(modelValueOf('drums', { source: 'saved', name: 'grooves', location: 'x' })).toBe('saved:grooves');
    expect(modelValueOf('drums', { source: 'shipped', name: 'drums_2bar', location: '/models/drums_2bar/' })).toBe('drums_2bar');
    expect(modelValueOf('melody', { source: 'url', name: 'm', location: 'https://example.org/m' })).toBe('url:https://example.org/m');
  });

  it('a lab link and a Compare column take a saved model', () => {
    expect(melodyLabUrl.parse(new URLSearchParams({ model: 'saved:my jigs' })).state.model).toBe('saved:my jigs');
    expect(drumLabUrl.parse(new URLSearchParams({ model: 'saved:../etc' })).ignored).toEqual(['model']);
    expect(musicCompareModelSchema('drums').safeParse('saved:grooves').success).toBe(true);
  });
});
