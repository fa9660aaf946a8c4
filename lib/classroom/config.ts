/**
 * The classroom's settings: retention, the size of a session, and every rate limit, with the
 * defaults a server runs with (server.ts reads overrides from the environment).
 */

/**
 * Rate limits, each "at most N a minute", sliding (GCRA: a burst of N, then one every 60/N s;
 * see store.ts). Refused attempts do not count.
 */
export interface RateLimits {
  /** Joins per client address (a whole school may share one address). */
  joinsPerAddress: number;
  /**
   * Joins per session, whatever the address: well below the session's size, so filling a class by
   * script takes minutes the teacher sees (and removes in one go).
   */
  joinsPerSession: number;
  /** Joins to codes that do not exist, server-wide: guessing codes stays hopeless (typos still get an answer). */
  joinMissesPerServer: number;
  /** Sessions created per client address. No server-wide limit: one flood cannot lock other teachers out. */
  createsPerAddress: number;
  /** Requests without a valid token (they all get the same 401) per client address. */
  probesPerAddress: number;
  /** Entries per student token. */
  submissionsPerToken: number;
  /** Votes per student token. */
  votesPerToken: number;
  /** Other changes (moderation, withdrawals) per token. */
  changesPerToken: number;
}

export interface ClassroomConfig {
  /** Days after creation when a session and all its data are deleted. */
  retentionDays: number;
  /** Most students (joined and not removed) one session takes. */
  maxParticipants: number;
  rateLimits: RateLimits;
}

export const DEFAULT_CONFIG: ClassroomConfig = {
  retentionDays: 7,
  maxParticipants: 500,
  rateLimits: {
    joinsPerAddress: 240,
    joinsPerSession: 60,
    joinMissesPerServer: 120,
    createsPerAddress: 10,
    probesPerAddress: 60,
    submissionsPerToken: 20,
    votesPerToken: 120,
    changesPerToken: 240,
  },
};

/** Milliseconds in a minute (the rate limits' window) and a day (retention). */
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;
/** How often a server deletes sessions whose retention ended (and closes their live streams). */
export const SWEEP_INTERVAL_MS = 30_000;
