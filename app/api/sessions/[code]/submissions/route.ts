// GET /api/sessions/{code}/submissions (any token of the session) → 200 [{id, nickname, title, kind, votes, createdAt, …}]
// POST /api/sessions/{code}/submissions (student) {title, kind, midiBase64?, pngBase64?, wavBase64?, latent?, params?} → 201 {id}
import { bearerToken, clientAddress, handle, jsonResponse, readJson } from '@/lib/classroom/http';
import { LIMITS } from '@/lib/classroom/schema';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string }> };

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => jsonResponse(await classroom().listSubmissions((await ctx.params).code, bearerToken(request), clientAddress(request))));
}

export function POST(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code } = await ctx.params;
    const service = classroom();
    const token = bearerToken(request);
    const address = clientAddress(request);
    // Check the token before reading up to 1.5 MB of body (LIMITS.submissionBodyBytes).
    await service.authorize(code, token, address);
    const body = await readJson(request, LIMITS.submissionBodyBytes);
    return jsonResponse(await service.submit(code, token, body, address), 201);
  });
}
