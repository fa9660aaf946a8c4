/**
 * The notifications that tell app servers a session changed: one NOTIFY channel per schema, and a
 * payload that names only the session and the range of its new event numbers (or its deletion);
 * the events themselves are read from the log (postgres-events.ts).
 */
import 'server-only';
import { createHash } from 'node:crypto';

/** The NOTIFY channel of a schema: one per schema, so instances sharing a database stay apart. */
export function channelFor(schema: string): string {
  return schema === 'public' ? 'latent_lab_classroom' : `latent_lab_classroom_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/** What a notification says: events `first..last` of a session committed, or the session is gone. */
export type Notice = { sessionId: number; first: number; last: number } | { sessionId: number; deleted: true };

export function formatNotice(n: Notice): string {
  return 'deleted' in n ? `${n.sessionId}:deleted` : `${n.sessionId}:${n.first}:${n.last}`;
}

export function parseNotice(payload: string | undefined): Notice | undefined {
  const m = /^(\d{1,15}):(?:(deleted)|(\d{1,15}):(\d{1,15}))$/.exec(payload ?? '');
  if (!m) return undefined;
  const sessionId = Number(m[1]);
  if (m[2]) return { sessionId, deleted: true };
  const first = Number(m[3]);
  const last = Number(m[4]);
  return first >= 1 && last >= first ? { sessionId, first, last } : undefined;
}
