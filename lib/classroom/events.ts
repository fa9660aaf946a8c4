/**
 * Fan-out of live events to the Server-Sent-Event streams. The service publishes each committed
 * change's events; every open stream of that session receives them. Pluggable: the embedded
 * (SQLite, one process) mode uses {@link LocalEventBus}; several app servers sharing a PostgreSQL
 * database use PostgresEventBus (postgres-events.ts, LISTEN/NOTIFY). Streams never trust the
 * bus alone: they notice a gap in the sequence numbers and read the missing events from the
 * store's log, so a lost or late notification costs a query, never an event.
 */
import 'server-only';
import type { StoredEvent } from './store';

/**
 * `events`: committed events of one session, oldest first. `deleted`: the session is gone.
 * `resync`: notifications may have been missed (the bus lost its connection): read the log.
 */
export type BusMessage = { kind: 'events'; events: StoredEvent[] } | { kind: 'deleted' } | { kind: 'resync' };
export type BusListener = (message: BusMessage) => void;

export interface EventBus {
  /** Delivers committed events (all of one session) to that session's listeners. */
  publish(sessionId: number, message: BusMessage): Promise<void>;
  /** Listens to one session until the returned function is called. */
  subscribe(sessionId: number, listener: BusListener): () => void;
  /** Listener count, for tests and diagnostics. */
  listenerCount(sessionId?: number): number;
  close(): Promise<void>;
}

/** In-process fan-out: right for one app server (the SQLite default). */
export class LocalEventBus implements EventBus {
  private readonly listeners = new Map<number, Set<BusListener>>();

  async publish(sessionId: number, message: BusMessage): Promise<void> {
    const set = this.listeners.get(sessionId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(message);
      } catch (error) {
        // One broken stream must not stop the others.
        console.error('Classroom event listener failed:', error);
      }
    }
  }

  subscribe(sessionId: number, listener: BusListener): () => void {
    let set = this.listeners.get(sessionId);
    if (!set) {
      set = new Set();
      this.listeners.set(sessionId, set);
    }
    set.add(listener);
    return () => {
      const s = this.listeners.get(sessionId);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) this.listeners.delete(sessionId);
    };
  }

  /** Sessions that have listeners here. */
  sessionIds(): number[] {
    return [...this.listeners.keys()];
  }

  listenerCount(sessionId?: number): number {
    if (sessionId !== undefined) return this.listeners.get(sessionId)?.size ?? 0;
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
