/**
 * Secret tokens: 192 random bits, base64url, with a role prefix (`t_` teacher, `s_` student). Only
 * their SHA-256 is stored, so a copy of the database does not hand out anyone's rights.
 */
import 'server-only';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { CODE_ALPHABET, CODE_LENGTH } from './schema';

const TOKEN_RE = /^[ts]_[A-Za-z0-9_-]{32}$/;

export function newToken(role: 'teacher' | 'student'): string {
  return `${role === 'teacher' ? 't' : 's'}_${randomBytes(24).toString('base64url')}`;
}

export function isTokenShaped(token: string): boolean {
  return TOKEN_RE.test(token);
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A random join code (crypto-quality, uniform over the alphabet). */
export function newSessionCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}
