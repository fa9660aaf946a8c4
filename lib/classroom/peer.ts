/**
 * The address of the computer a request came from, as rate limits need it: one a client cannot
 * choose. Next's server keeps a client's own `X-Forwarded-For` header when there is one (it sets
 * the header only when it is missing), so reached directly, any client could claim any address.
 *
 * {@link installPeerAddressHook} (called once by instrumentation.ts when the server starts)
 * subscribes to Node's `http.server.request.start` diagnostics channel, which Node publishes for
 * every request before any handler runs, and writes the TCP peer's address into the
 * {@link PEER_HEADER} header, replacing whatever the client sent. Behind N reverse proxies
 * (`LATENT_LAB_TRUSTED_PROXIES=N`), the client is the N-th address from the right of
 * `X-Forwarded-For`, counting the peer (the last proxy) as the first.
 */
import 'server-only';
import { subscribe } from 'node:diagnostics_channel';
import type { Env } from './server-env';

/** The header the hook writes (any value a client sends is overwritten). */
export const PEER_HEADER = 'x-latent-lab-peer';

const holder = globalThis as typeof globalThis & { __latentLabPeerHook?: boolean };

interface RequestStart {
  request: { headers: Record<string, string | string[] | undefined> };
  socket: { remoteAddress?: string };
}

/** Installs the hook (once per process). */
export function installPeerAddressHook(): void {
  if (holder.__latentLabPeerHook) return;
  subscribe('http.server.request.start', (message) => {
    const m = message as RequestStart;
    m.request.headers[PEER_HEADER] = m.socket.remoteAddress ?? 'unknown';
  });
  holder.__latentLabPeerHook = true;
}

/** Whether this process overwrites {@link PEER_HEADER} on every request. */
export function peerHookInstalled(): boolean {
  return holder.__latentLabPeerHook === true;
}

/** How many reverse proxies in front of the app append to X-Forwarded-For (0: clients connect directly). */
export function trustedProxies(env: Env = process.env): number {
  const n = Number(env.LATENT_LAB_TRUSTED_PROXIES ?? '0');
  return Number.isInteger(n) && n >= 0 && n <= 10 ? n : 0;
}

/**
 * The client's address for per-address limits. With the hook: the peer, or behind `proxies`
 * proxies the address they recorded. Without it (route handlers called directly, as in the tests,
 * or another server in front): the first `X-Forwarded-For` entry, else `X-Real-IP` — which a client
 * can forge, so the limits that matter never rely on addresses alone.
 */
export function clientAddress(request: Request, options: { hook?: boolean; proxies?: number } = {}): string {
  const h = request.headers;
  const forwarded = (h.get('x-forwarded-for') ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  const hook = options.hook ?? peerHookInstalled();
  const peer = hook ? h.get(PEER_HEADER) : null;
  if (peer) {
    const proxies = options.proxies ?? trustedProxies();
    const chain = [...forwarded, peer];
    return (chain[chain.length - 1 - proxies] ?? chain[0] ?? 'unknown').slice(0, 64);
  }
  return (forwarded[0] || h.get('x-real-ip') || 'unknown').slice(0, 64);
}
