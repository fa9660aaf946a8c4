/**
 * The classroom's database schema, as ordered migrations in one place. A store applies, on its
 * first use, every migration whose version it has not recorded in `schema_migrations`, each in
 * its own transaction. Never edit a migration that has shipped: add the next one.
 *
 * Each migration carries its SQL per dialect. SQLite is the embedded default; a PostgreSQL store
 * adds its `postgres` text next to each (types differ: BLOB → BYTEA, INTEGER ms → BIGINT).
 */
export interface Migration {
  version: number;
  name: string;
  sqlite: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'sessions, participants, submissions, votes, events, rate limits',
    sqlite: `
      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE CHECK (length(code) = 6),
        title TEXT NOT NULL,
        challenge TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'locked', 'closed')),
        votes_revealed INTEGER NOT NULL DEFAULT 0 CHECK (votes_revealed IN (0, 1)),
        teacher_token_hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        ends_at INTEGER,
        expires_at INTEGER NOT NULL,
        last_seq INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX sessions_expires_at ON sessions (expires_at);

      CREATE TABLE participants (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        nickname TEXT NOT NULL,
        nickname_key TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        joined_at INTEGER NOT NULL,
        kicked_at INTEGER,
        UNIQUE (session_id, nickname_key)
      );

      CREATE TABLE submissions (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('melody', 'drums', 'image')),
        midi BLOB,
        png BLOB,
        latent TEXT,
        params TEXT,
        hidden INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
        created_at INTEGER NOT NULL,
        CHECK ((kind = 'image' AND png IS NOT NULL) OR (kind <> 'image' AND midi IS NOT NULL))
      );
      CREATE INDEX submissions_session ON submissions (session_id, id);
      CREATE INDEX submissions_participant ON submissions (participant_id);

      CREATE TABLE votes (
        submission_id INTEGER NOT NULL REFERENCES submissions (id) ON DELETE CASCADE,
        participant_id INTEGER NOT NULL REFERENCES participants (id) ON DELETE CASCADE,
        created_at INTEGER NOT NULL,
        PRIMARY KEY (submission_id, participant_id)
      );
      CREATE INDEX votes_participant ON votes (participant_id);

      CREATE TABLE events (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        data TEXT NOT NULL,
        PRIMARY KEY (session_id, seq)
      );

      CREATE TABLE rate_limits (
        key TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        count INTEGER NOT NULL
      );
    `,
  },
];
