// GET /api/sessions/{code}/submissions/{id} → 200 the entry with midiBase64/pngBase64/wavBase64 (the bare file: …/{id}/media)
// PATCH /api/sessions/{code}/submissions/{id} {hidden} (teacher) → 200
// DELETE /api/sessions/{code}/submissions/{id} (teacher, or the author) → 204
import { bearerToken, clientAddress, handle, idParam, jsonResponse, readJson } from '@/lib/classroom/http';
import { LIMITS } from '@/lib/classroom/schema';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string; id: string }> };

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, id } = await ctx.params;
    return jsonResponse(await classroom().getSubmission(code, bearerToken(request), idParam(id), clientAddress(request)));
  });
}

export function PATCH(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, id } = await ctx.params;
    const body = await readJson(request, LIMITS.smallBodyBytes);
    return jsonResponse(await classroom().setHidden(code, bearerToken(request), idParam(id), body, clientAddress(request)));
  });
}

export function DELETE(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, id } = await ctx.params;
    await classroom().removeSubmission(code, bearerToken(request), idParam(id), clientAddress(request));
    return new Response(null, { status: 204 });
  });
}
