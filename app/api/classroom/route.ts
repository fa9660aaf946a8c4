// GET /api/classroom → 200 {retentionDays, maxParticipants, joinBaseUrls, publicUrl}: this server's
// classroom settings and the addresses students can reach it at (the configured public URL first,
// then this computer's network addresses), for the projected join link. No database access.
import os from 'node:os';
import { handle, jsonResponse } from '@/lib/classroom/http';
import { reachableBaseUrls } from '@/lib/classroom/network';
import { configFromEnv } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';

export function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const c = configFromEnv();
    const url = new URL(request.url);
    const port = request.headers.get('x-forwarded-port') ?? (url.port || (url.protocol === 'https:' ? '443' : '80'));
    return jsonResponse({
      retentionDays: c.retentionDays,
      maxParticipants: c.maxParticipants,
      publicUrl: process.env.LATENT_LAB_PUBLIC_URL?.trim() || null,
      joinBaseUrls: reachableBaseUrls(os.networkInterfaces(), port, process.env),
    });
  });
}
