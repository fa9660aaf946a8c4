// Runs once when the server starts (Next.js instrumentation). For the classroom: record every
// request's real TCP peer address, which a client cannot forge (unlike X-Forwarded-For), for the
// per-address rate limits (see lib/classroom/peer.ts).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { installPeerAddressHook } = await import('./lib/classroom/peer');
  installPeerAddressHook();
}
