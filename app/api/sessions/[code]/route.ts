// GET /api/sessions/{code} → the session as the token's holder sees it (no valid token: the same 401 for any code)
// PATCH /api/sessions/{code} {status?, votesRevealed?, admission?} (teacher) → 200 session
// DELETE /api/sessions/{code} (teacher) → 204, the session and all its data deleted
import { bearerToken, clientAddress, handle, jsonResponse, readJson } from '@/lib/classroom/http';
import { LIMITS } from '@/lib/classroom/schema';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string }> };

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => jsonResponse(await classroom().getSession((await ctx.params).code, bearerToken(request), clientAddress(request))));
}

export function PATCH(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code } = await ctx.params;
    const body = await readJson(request, LIMITS.smallBodyBytes);
    return jsonResponse(await classroom().updateSession(code, bearerToken(request), body, clientAddress(request)));
  });
}

export function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    await classroom().deleteSession((await ctx.params).code, bearerToken(request), clientAddress(request));
    return new Response(null, { status: 204 });
  });
}
