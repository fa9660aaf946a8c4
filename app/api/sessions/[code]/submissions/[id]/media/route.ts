// GET /api/sessions/{code}/submissions/{id}/media → 200 the entry's file as submitted: audio/wav (timbre),
// audio/midi (melody, drums) or image/png (image); the same rights as GET …/submissions/{id}.
import { bearerToken, clientAddress, handle, idParam } from '@/lib/classroom/http';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string; id: string }> };

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { code, id } = await ctx.params;
    const file = await classroom().getSubmissionFile(code, bearerToken(request), idParam(id), clientAddress(request));
    return new Response(file.bytes as BlobPart, {
      status: 200,
      headers: {
        'Content-Type': file.contentType,
        'Content-Length': String(file.bytes.byteLength),
        'Content-Disposition': `inline; filename="${file.fileName}"`,
        // The file is the session's, behind a token: never kept by a shared cache.
        'Cache-Control': 'private, no-store',
      },
    });
  });
}
