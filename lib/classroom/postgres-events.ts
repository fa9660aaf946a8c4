/**
 * Live events across app servers through PostgreSQL LISTEN/NOTIFY.
 *
 * Every change commits its events to the session's log together with a `pg_notify` that says only
 * "session S, events first..last" (postgres-store.ts). Each app server keeps one connection that
 * LISTENs; on a notification for a session that has streams open here, it reads those events from
 * the log once and hands them to its local streams. A notification never carries the events
 * themselves: the log is the one source of truth, and the streams drop what they already have (by
 * sequence number) and fill any gap from the log, so nothing is lost or repeated.
 *
 * Changes made through this server reach its own streams at once (the local fast path); the
 * notification then brings them to every other server. When the LISTEN connection breaks (the
 * database restarts, a failover), it reconnects by itself with growing pauses and then tells every
 * local stream to `resync`: read the log for whatever committed while nobody was listening.
 */
import 'server-only';
import pg from 'pg';
import { LocalEventBus, type BusListener, type BusMessage, type EventBus } from './events';
import { parseNotice } from './postgres-notify';
import type { PostgresClassroomStore } from './postgres-store';

/** Events read from the log per query when a notification arrives. */
const PAGE = 500;

export interface PostgresEventBusOptions {
  /** First pause before reconnecting the listener (ms); it doubles up to `maxRetryMs`. */
  retryMs?: number;
  maxRetryMs?: number;
}

export class PostgresEventBus implements EventBus {
  private readonly store: PostgresClassroomStore;
  private readonly local = new LocalEventBus();
  /** Highest sequence number read from the log per session, for sessions with streams here. */
  private readonly cursors = new Map<number, number>();
  /** Reads from the log run one after another per session, in notification order. */
  private readonly chains = new Map<number, Promise<void>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private delay: number;
  private connections = 0;
  private lastError = 0;

  constructor(store: PostgresClassroomStore, options: PostgresEventBusOptions = {}) {
    this.store = store;
    this.retryMs = options.retryMs ?? 250;
    this.maxRetryMs = options.maxRetryMs ?? 5_000;
    this.delay = this.retryMs;
  }

  /** Whether the LISTEN connection is up. */
  get listening(): boolean {
    return this.client !== undefined && this.connecting === undefined;
  }

  /** How many times the LISTEN connection was established (1 after the first; more after reconnects). */
  get connectionCount(): number {
    return this.connections;
  }

  /** This server's streams get committed events at once; other servers get them via NOTIFY (sent in the transaction). */
  async publish(sessionId: number, message: BusMessage): Promise<void> {
    await this.local.publish(sessionId, message);
  }

  subscribe(sessionId: number, listener: BusListener): () => void {
    const unsubscribe = this.local.subscribe(sessionId, listener);
    this.ensureListening();
    return () => {
      unsubscribe();
      if (this.local.listenerCount(sessionId) === 0) this.cursors.delete(sessionId);
    };
  }

  listenerCount(sessionId?: number): number {
    return this.local.listenerCount(sessionId);
  }

  /** Starts listening (normally on the first subscription); resolves once LISTEN is active. */
  start(): Promise<void> {
    this.ensureListening();
    return this.connecting ?? Promise.resolve();
  }

  private ensureListening(): void {
    if (this.closed || this.client || this.connecting || this.timer) return;
    this.connecting = this.connect().finally(() => {
      this.connecting = undefined;
    });
  }

  private async connect(): Promise<void> {
    let client: pg.Client | undefined;
    try {
      const { channel } = await this.store.ready();
      client = new pg.Client(this.store.connectionSettings('latent-lab-classroom-listen'));
      const c = client;
      c.on('notification', (n) => {
        if (n.channel === channel) this.onNotice(n.payload);
      });
      c.on('error', (error) => this.lost(c, error));
      c.on('end', () => this.lost(c));
      await c.connect();
      await c.query(`LISTEN ${c.escapeIdentifier(channel)}`);
      if (this.closed) {
        await c.end().catch(() => undefined);
        return;
      }
      this.client = c;
      this.connections++;
      this.delay = this.retryMs;
      // Whatever committed while nobody here was listening is in the log: every stream reads it.
      for (const sessionId of this.sessionsHere()) void this.local.publish(sessionId, { kind: 'resync' });
    } catch (error) {
      client?.removeAllListeners('end');
      client?.on('error', () => undefined);
      await client?.end().catch(() => undefined);
      this.logError('cannot listen for live events', error);
      this.scheduleReconnect();
    }
  }

  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.closed) return;
    this.logError('the live-event connection was lost', error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.ensureListening();
    }, this.delay);
    this.delay = Math.min(this.delay * 2, this.maxRetryMs);
  }

  private logError(what: string, error: unknown): void {
    const now = Date.now();
    if (now - this.lastError > 5_000)
      console.error(`Classroom PostgreSQL: ${what}${error instanceof Error ? ` (${error.message})` : ''}; retrying in ${this.delay} ms.`);
    this.lastError = now;
  }

  private sessionsHere(): number[] {
    return this.local.sessionIds();
  }

  private onNotice(payload: string | undefined): void {
    const notice = parseNotice(payload);
    if (!notice || this.local.listenerCount(notice.sessionId) === 0) return;
    const sessionId = notice.sessionId;
    if ('deleted' in notice) {
      this.cursors.delete(sessionId);
      void this.local.publish(sessionId, { kind: 'deleted' });
      return;
    }
    const previous = this.chains.get(sessionId) ?? Promise.resolve();
    const next = previous.then(() => this.readLog(sessionId, notice.first, notice.last));
    this.chains.set(sessionId, next);
    void next.finally(() => {
      if (this.chains.get(sessionId) === next) this.chains.delete(sessionId);
    });
  }

  /** Reads events `first..last` (and any older ones this server has not read yet) and hands them to local streams. */
  private async readLog(sessionId: number, first: number, last: number): Promise<void> {
    try {
      let from = this.cursors.get(sessionId) ?? first - 1;
      while (from < last && this.local.listenerCount(sessionId) > 0) {
        const events = await this.store.eventsSince(sessionId, from, Math.min(PAGE, last - from));
        if (events.length === 0) break;
        from = events.at(-1)?.seq ?? last;
        this.cursors.set(sessionId, Math.max(this.cursors.get(sessionId) ?? 0, from));
        await this.local.publish(sessionId, { kind: 'events', events });
      }
    } catch (error) {
      // The streams notice the gap at the next event (or resync after a reconnect) and read it themselves.
      this.logError(`could not read session ${sessionId}'s events after a notification`, error);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.connecting?.catch(() => undefined);
    const c = this.client;
    this.client = undefined;
    if (c) {
      c.removeAllListeners('end');
      c.on('error', () => undefined);
      await c.end().catch(() => undefined);
    }
    await this.local.close();
  }
}
