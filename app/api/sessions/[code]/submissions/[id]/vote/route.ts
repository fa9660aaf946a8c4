// POST /api/sessions/{code}/submissions/{id}/vote (student) → 200 {id, votes}; a second vote → 409
import { bearerToken, clientAddress, handle, idParam, jsonResponse } from '@/lib/classroom/http';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string; id: string }> };

export function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, id } = await ctx.params;
    return jsonResponse(await classroom().vote(code, bearerToken(request), idParam(id), clientAddress(request)));
  });
}
