// GET /api/sessions/{code}/export (teacher) → application/zip (session.json + entries/*.mid|png)
import { bearerToken, clientAddress, handle } from '@/lib/classroom/http';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';
type Ctx = { params: Promise<{ code: string }> };

export function GET(request: Request, ctx: Ctx): Promise<Response> {
  return handle(async () => {
    const { fileName, bytes } = await classroom().exportZip((await ctx.params).code, bearerToken(request), clientAddress(request));
    return new Response(bytes as BlobPart, {
      status: 200,
      headers: { 'Content-Type': 'application/zip', 'Content-Disposition': `attachment; filename="${fileName}"`, 'Cache-Control': 'no-store' },
    });
  });
}
