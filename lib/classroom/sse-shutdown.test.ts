// A stopping server ends every live-event stream and refuses new ones (its own file: once stopping,
// this module's streams stay refused).
import { describe, expect, it } from 'vitest';
import { endAllEventStreams, openEventStream } from './sse';
import { freeSession } from './testing/fixtures';
import { freshHarnessPerTest, type Harness } from './testing/harness';
import { listenTo } from './testing/listen';

let h: Harness;
freshHarnessPerTest('sqlite', (opened) => (h = opened));

describe('live events when the server stops', () => {
  it('ends every open stream at once, then refuses new ones with 503 on a closing connection', async () => {
    const c = await h.service.createSession(freeSession(), 'a');
    const ada = (await h.service.join(c.code, { nickname: 'Ada' }, 'a')).studentToken;
    const teacher = await listenTo(h.service, c.code, c.teacherToken);
    const student = await listenTo(h.service, c.code, ada);
    await teacher.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
    await student.until((e) => e.some((x) => x.type === 'snapshot'), 'the snapshot');
    expect(h.bus.listenerCount()).toBe(2);

    expect(endAllEventStreams()).toBe(2);
    await teacher.done;
    await student.done;
    expect(h.bus.listenerCount()).toBe(0);

    const refused = await openEventStream(h.service, c.code, ada, { lastEventId: null, signal: new AbortController().signal });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('connection')).toBe('close');
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(h.bus.listenerCount()).toBe(0);
  });
});
