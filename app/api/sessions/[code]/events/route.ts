// GET /api/sessions/{code}/events → text/event-stream (Last-Event-ID header or ?since=N to catch up)
import { bearerToken, clientAddress, handle } from '@/lib/classroom/http';
import { classroom } from '@/lib/classroom/server';
import { openEventStream } from '@/lib/classroom/sse';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string }> };

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code } = await ctx.params;
    const since = request.headers.get('last-event-id') ?? new URL(request.url).searchParams.get('since');
    return openEventStream(classroom(), code, bearerToken(request), { lastEventId: since, signal: request.signal, address: clientAddress(request) });
  });
}
