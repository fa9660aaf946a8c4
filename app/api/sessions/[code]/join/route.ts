// POST /api/sessions/{code}/join {nickname, device?} → 201 {studentToken, nickname, code, admitted}
import { clientAddress, handle, jsonResponse, readJson } from '@/lib/classroom/http';
import { LIMITS } from '@/lib/classroom/schema';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string }> };

export function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code } = await ctx.params;
    const body = await readJson(request, LIMITS.smallBodyBytes);
    return jsonResponse(await classroom().join(code, body, clientAddress(request)), 201);
  });
}
