// Runs before the API's route handlers (Next.js proxy, formerly middleware). Next decodes each
// dynamic path segment before a handler runs and answers its own bare 500 when a percent escape is
// malformed (`/api/sessions/%zz`); the classroom API answers every bad input with JSON instead, so
// such paths get a JSON 400 here.
import { NextResponse, type NextRequest } from 'next/server';

export function proxy(request: NextRequest): NextResponse | undefined {
  const path = request.nextUrl.pathname;
  for (const segment of path.split('/')) {
    try {
      decodeURIComponent(segment);
    } catch {
      return NextResponse.json(
        { error: { code: 'bad_path', message: `The address ${path.slice(0, 80)} has a malformed percent escape (%XX); encode each path segment once.` } },
        { status: 400, headers: { 'Cache-Control': 'no-store' } },
      );
    }
  }
  return undefined;
}

export const config = { matcher: '/api/:path*' };
