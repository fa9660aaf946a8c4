/**
 * The key that keeps nicknames unique in a session, so that names which look the same cannot sit
 * side by side: the nickname as cleaned for display (schema.ts: NFC, invisible characters removed),
 * then NFKC (compatibility forms: fullwidth, ligatures, mathematical letters), invisible
 * characters removed again, lower case, and every non-ASCII character that looks like a Latin
 * letter or digit folded to it (Unicode's confusables data through `unhomoglyph`: Cyrillic "а",
 * Greek "ο", Cherokee "Ꭺ" …). ASCII itself is left alone, so "Arnie" and "Amie" stay two names.
 * Server-only (the confusables table is ~100 KB).
 */
import 'server-only';
import unhomoglyph from 'unhomoglyph';

const INVISIBLE = /[\p{Default_Ignorable_Code_Point}\p{Cf}\u2800]/gu;

export function nicknameKey(nickname: string): string {
  const base = nickname.normalize('NFKC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim().toLowerCase();
  let out = '';
  for (const ch of base) out += ch <= '\u007f' ? ch : unhomoglyph(ch);
  return out.normalize('NFKC').toLowerCase();
}
