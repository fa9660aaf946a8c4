/**
 * "Several app servers behind one address" for tests and benchmarks: a TCP load balancer on
 * 127.0.0.1 that hands each new connection to the next app server in turn (round robin) and skips
 * a server that refuses the connection (it is down), the way a reverse proxy with passive health
 * checks does (nginx `proxy_next_upstream error`, HAProxy, Caddy). It relays bytes untouched, so
 * HTTP, keep-alive and Server-Sent Events pass through as they are; when a server dies, the
 * connections it held are closed and the clients reconnect — to a live server.
 */
import net from 'node:net';

export interface Balancer {
  url: string;
  port: number;
  /** Connections open right now, per upstream port. */
  active(): Map<number, number>;
  /** Connections handed to each upstream port so far. */
  handed(): Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(upstreams: number[], port = 0): Promise<Balancer> {
  let next = 0;
  const active = new Map<number, number>();
  const handed = new Map<number, number>();
  const sockets = new Set<net.Socket>();
  const bump = (map: Map<number, number>, key: number, by: number) => map.set(key, (map.get(key) ?? 0) + by);

  const server = net.createServer((client) => {
    client.pause();
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => client.destroy());
    const start = next++ % upstreams.length;
    const tryUpstream = (attempt: number) => {
      if (attempt >= upstreams.length || client.destroyed) {
        client.destroy();
        return;
      }
      const target = upstreams[(start + attempt) % upstreams.length] ?? 0;
      const up = net.connect(target, '127.0.0.1');
      let connected = false;
      up.once('connect', () => {
        connected = true;
        sockets.add(up);
        bump(active, target, 1);
        bump(handed, target, 1);
        up.on('close', () => {
          sockets.delete(up);
          bump(active, target, -1);
          client.destroy();
        });
        client.on('close', () => up.destroy());
        up.pipe(client);
        client.pipe(up);
        client.resume();
      });
      up.on('error', () => {
        up.destroy();
        // Refused (the server is down): the next one. Broken after connecting: the client sees it.
        if (!connected) tryUpstream(attempt + 1);
        else client.destroy();
      });
    };
    tryUpstream(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    active: () => new Map(active),
    handed: () => new Map(handed),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
