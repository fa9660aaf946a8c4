// GET /api/classroom → 200 {retentionDays, maxParticipants}: this server's classroom settings (no database access)
import { handle, jsonResponse } from '@/lib/classroom/http';
import { configFromEnv } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';

export function GET(): Promise<Response> {
  return handle(async () => {
    const c = configFromEnv();
    return jsonResponse({ retentionDays: c.retentionDays, maxParticipants: c.maxParticipants });
  });
}
