// DELETE /api/sessions/{code}/participants/{id}[?block=1] (teacher) → 204: removes the student
// (their token stops working; with block=1 their browser cannot join again). Students are
// addressed by their numeric id, never by their nickname.
import { bearerToken, clientAddress, handle, idParam } from '@/lib/classroom/http';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string; id: string }> };

export function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, id } = await ctx.params;
    const block = new URL(request.url).searchParams.get('block') === '1';
    await classroom().removeParticipants(code, bearerToken(request), { ids: [idParam(id, 'a participant id')], block }, clientAddress(request));
    return new Response(null, { status: 204 });
  });
}
