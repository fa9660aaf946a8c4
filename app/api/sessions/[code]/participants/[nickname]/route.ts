// DELETE /api/sessions/{code}/participants/{nickname} (teacher) → 204: kicks the student (their token stops working)
import { bearerToken, handle } from '@/lib/classroom/http';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string; nickname: string }> };

export function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, nickname } = await ctx.params;
    await classroom().kick(code, bearerToken(request), decodeURIComponent(nickname));
    return new Response(null, { status: 204 });
  });
}
