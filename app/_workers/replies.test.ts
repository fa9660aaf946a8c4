import { describe, expect, it } from 'vitest';
import type { WorkerResponse } from './protocol';
import { ReplyRouter, WorkerError } from './replies';

function waiting(router: ReplyRouter, id: number, events: WorkerResponse[] = []): Promise<WorkerResponse> {
  return new Promise((resolve, reject) => router.add(id, { resolve, reject, onEvent: (e) => events.push(e) }));
}

describe('ReplyRouter', () => {
  it('streams progress to the request and settles it with its answer or error', async () => {
    const router = new ReplyRouter();
    const events: WorkerResponse[] = [];
    const a = waiting(router, 1, events);
    const b = waiting(router, 2);
    router.handle({ id: 1, type: 'image:progress', label: 'Encoding', fraction: 0.5 });
    router.handle({ id: 1, type: 'ok' });
    router.handle({ id: 2, type: 'error', name: 'InvalidInputError', message: 'bad digit' });
    await expect(a).resolves.toEqual({ id: 1, type: 'ok' });
    expect(events).toEqual([{ id: 1, type: 'image:progress', label: 'Encoding', fraction: 0.5 }]);
    await expect(b).rejects.toThrow('bad digit');
    expect(router.size).toBe(0);
  });

  it('rejects the request a malformed reply names, instead of leaving it pending', async () => {
    const router = new ReplyRouter();
    const a = waiting(router, 7);
    const other = waiting(router, 8);
    router.handle({ id: 7, type: 'image:images', images: 'not a Float32Array', count: 1 });
    await expect(a).rejects.toBeInstanceOf(WorkerError);
    expect(router.size).toBe(1); // request 8 still waits, untouched
    router.handle({ id: 8, type: 'ok' });
    await expect(other).resolves.toEqual({ id: 8, type: 'ok' });
  });

  it('names the bad reply in the error, and rejects everything waiting when a reply names no request', async () => {
    const router = new ReplyRouter();
    const a = waiting(router, 1);
    router.handle({ id: 1, type: 'image:nonsense' });
    await expect(a).rejects.toThrow(/malformed reply \("image:nonsense"/);
    const b = waiting(router, 2);
    const c = waiting(router, 3);
    router.handle('garbage');
    await expect(b).rejects.toThrow(/malformed reply \(without a type/);
    await expect(c).rejects.toThrow(WorkerError);
    expect(router.size).toBe(0);
    // A well-formed reply for a request nobody waits for is ignored.
    expect(() => router.handle({ id: 99, type: 'ok' })).not.toThrow();
  });
});
