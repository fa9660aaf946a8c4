/**
 * Where students can reach this server: the join link the teacher projects must not be
 * `localhost` (a student's phone cannot reach the teacher's laptop under that name). The server
 * knows its network interfaces; a configured public URL (`LATENT_LAB_PUBLIC_URL`, for a server
 * behind a proxy or a name) comes first. Used by GET /api/classroom and by `npm start`.
 */
import type { NetworkInterfaceInfo } from 'node:os';
import type { Env } from './server-env';

/** Whether a host name or address is this computer only (students cannot reach it). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h) || h === '0.0.0.0' || h === '::';
}

/**
 * Base URLs (`http://host:port`) students may use, best first: the configured public URL, then
 * this computer's non-internal IPv4 addresses (private LAN ranges first), then IPv6 ones.
 */
export function reachableBaseUrls(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>, port: number | string, env: Env = {}): string[] {
  const out: string[] = [];
  const pub = env.LATENT_LAB_PUBLIC_URL?.trim();
  if (pub) {
    try {
      const u = new URL(pub);
      if (u.protocol === 'http:' || u.protocol === 'https:') out.push(u.origin);
    } catch {
      // Not a URL: ignored (the server logs nothing here; `npm start` prints the addresses it uses).
    }
  }
  const all = Object.values(interfaces).flatMap((list) => list ?? []);
  const lan = (a: string) => /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(a);
  const v4 = all.filter((i) => i.family === 'IPv4' && !i.internal).map((i) => i.address);
  v4.sort((a, b) => Number(lan(b)) - Number(lan(a)));
  const v6 = all.filter((i) => i.family === 'IPv6' && !i.internal && !i.address.toLowerCase().startsWith('fe80')).map((i) => `[${i.address}]`);
  for (const host of [...v4, ...v6]) out.push(`http://${host}:${port}`);
  return [...new Set(out)];
}
