/**
 * A session's export: one ZIP (fflate) with `session.json` (the session, who joined, every entry
 * with its votes, latent code and settings) and each entry's MIDI, PNG or WAV under `entries/`,
 * named `<id>-<nickname>-<title>.<ext>` in plain ASCII so any computer can unpack it.
 */
import 'server-only';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { MEDIA_FILES, entrySpec, type Challenge } from './challenges';
import type { SessionExport } from './store';

/** ASCII file-name part: accents dropped, anything else becomes '-', at most `max` characters. */
export function slug(text: string, max = 32): string {
  const s = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return s || 'x';
}

/** `entries/<id>-<nickname>-<title>.<mid|png|wav>` (the extension of the entry kind's file). */
export function entryFileName(e: { id: number; nickname: string; title: string; kind: string }): string {
  return `entries/${String(e.id).padStart(4, '0')}-${slug(e.nickname, 20)}-${slug(e.title)}.${MEDIA_FILES[entrySpec(e.kind)?.media ?? 'midi'].ext}`;
}

/** Builds the ZIP bytes. `now` stamps the export. */
export function buildExportZip(data: SessionExport, challenge: Challenge, now: number): Uint8Array {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const files: Zippable = {};
  const entries = data.submissions.map((s) => {
    const file = entryFileName(s);
    const media = entrySpec(s.kind)?.media;
    const bytes = media ? s[media] : null;
    if (bytes) files[file] = [bytes, { level: 0 }];
    return {
      id: s.id,
      nickname: s.nickname,
      title: s.title,
      kind: s.kind,
      votes: s.votes,
      hidden: s.hidden,
      createdAt: iso(s.createdAt),
      latent: s.latent,
      params: s.params,
      file: bytes ? file : null,
    };
  });
  const doc = {
    format: 'latent-lab-classroom-export',
    version: 1,
    exportedAt: iso(now),
    session: {
      code: data.session.code,
      title: data.session.title,
      challenge,
      status: data.session.status,
      votesRevealed: data.session.votesRevealed,
      createdAt: iso(data.session.createdAt),
      endsAt: iso(data.session.endsAt),
      expiresAt: iso(data.session.expiresAt),
    },
    participants: data.participants.map((p) => ({
      nickname: p.nickname,
      joinedAt: iso(p.joinedAt),
      admitted: p.admittedAt !== null,
      kicked: p.kickedAt !== null,
      blocked: p.blocked,
      entries: p.entries,
    })),
    submissions: entries,
  };
  files['session.json'] = strToU8(JSON.stringify(doc, null, 2));
  files['README.txt'] = strToU8(
    [
      `Latent Lab classroom export — session ${data.session.code}: ${data.session.title}`,
      '',
      'session.json   the session, who joined, and every entry with its votes, latent code and settings',
      'entries/       each entry as a MIDI file (melodies, drum grooves), a PNG (digits) or a WAV (sounds)',
      '',
      `Exported ${iso(now)}. The server deletes the session on ${iso(data.session.expiresAt)}.`,
      '',
    ].join('\n'),
  );
  return zipSync(files, { level: 6, mtime: new Date(now) });
}
