/**
 * The music labs' worker part through the model worker's router (as a page talks to it): codes of
 * the user's inputs are refined once, ahead of the click, and reused.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRequestRouter } from '../domains/router';
import type { WorkerMessage } from '../domains/types';
import { liveTensorCount } from '../core/memory';
import { MELODY_EXAMPLES, melodyExample } from './examples';
import { TINY_MELODY, writeTinyCheckpoint } from './testing/fixtures';
import { musicWorkerPart } from './worker';

async function folderFiles(dir: string): Promise<File[]> {
  const names = await readdir(dir);
  return Promise.all(names.map(async (n) => new File([await readFile(path.join(dir, n))], n)));
}

describe('music worker part', () => {
  it('refines A and B when asked ahead (music:encode), and an interpolation of the same A and B reuses their codes', async () => {
    const messages: (WorkerMessage & Record<string, unknown>)[] = [];
    const router = createRequestRouter([musicWorkerPart], (m) => messages.push(m as WorkerMessage & Record<string, unknown>));
    const last = (): WorkerMessage & Record<string, unknown> => messages.at(-1) as WorkerMessage & Record<string, unknown>;
    const dir = await writeTinyCheckpoint(TINY_MELODY);
    await router.handle({ id: 1, type: 'music:load', lab: 'melody', source: { kind: 'folder', name: 'tiny', files: await folderFiles(dir) } });
    expect(last()).toMatchObject({ type: 'music:loaded' });
    const [a, b] = MELODY_EXAMPLES.slice(0, 2).map((e) => melodyExample(e));
    const refine = { steps: 8 };
    await router.handle({ id: 2, type: 'music:encode', lab: 'melody', seqs: [a], labels: ['Melody A'], refine });
    // From here on no tensor is added (the model made its refinement weights at that first refinement).
    const before = liveTensorCount();
    const encodedA = last();
    expect(encodedA).toMatchObject({ type: 'music:encoded', fidelity: [{ label: 'Melody A', refined: true, cached: false }] });
    expect(messages.some((m) => m.id === 2 && m.type === 'music:progress')).toBe(true);
    await router.handle({ id: 3, type: 'music:encode', lab: 'melody', seqs: [b], labels: ['Melody B'], refine });
    const progressBefore = messages.filter((m) => m.type === 'music:progress').length;
    await router.handle({ id: 4, type: 'music:interpolate', a, b, steps: 5, mode: 'slerp', temperature: 0, seed: 1, qpm: 120, refine });
    const result = last();
    expect(result).toMatchObject({ type: 'music:sequences', refineMs: 0 });
    expect((result.fidelity as { cached: boolean }[]).map((f) => f.cached)).toEqual([true, true]);
    expect(messages.filter((m) => m.type === 'music:progress').length).toBe(progressBefore); // no refinement ran
    // The same input with other settings is refined again.
    await router.handle({ id: 5, type: 'music:encode', lab: 'melody', seqs: [a], labels: ['Melody A'], refine: { steps: 9 } });
    expect((last().fidelity as { cached: boolean }[])[0]?.cached).toBe(false);
    expect(liveTensorCount()).toBe(before);
  });
});
