// POST /api/sessions/{code}/participants/remove {ids: number[], block?} (teacher) → 200 {removed}:
// removes several students at once (a flood of joins), optionally blocking their browsers.
import { bearerToken, clientAddress, handle, jsonResponse, readJson } from '@/lib/classroom/http';
import { LIMITS } from '@/lib/classroom/schema';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string }> };

export function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code } = await ctx.params;
    const body = await readJson(request, LIMITS.smallBodyBytes);
    return jsonResponse(await classroom().removeParticipants(code, bearerToken(request), body, clientAddress(request)));
  });
}
