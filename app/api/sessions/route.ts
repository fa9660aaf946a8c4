// POST /api/sessions {title, challenge, timeLimitMinutes?, admission?} → 201 {code, teacherToken, expiresAt}
import { clientAddress, handle, jsonResponse, readJson } from '@/lib/classroom/http';
import { LIMITS } from '@/lib/classroom/schema';
import { classroom } from '@/lib/classroom/server';

export const dynamic = 'force-dynamic';

export function POST(request: Request): Promise<Response> {
  return handle(async () => {
    const body = await readJson(request, LIMITS.smallBodyBytes);
    return jsonResponse(await classroom().createSession(body, clientAddress(request)), 201);
  });
}
