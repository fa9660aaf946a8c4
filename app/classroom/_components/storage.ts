'use client';
/**
 * Who this browser is in each session, kept in localStorage so a reload keeps the identity:
 * a student's token and nickname per join code, and the teacher tokens of sessions made here.
 * Everything read back is checked with zod (a damaged entry is ignored, never trusted).
 */
import { z } from 'zod';

const studentSchema = z.object({ code: z.string(), token: z.string(), nickname: z.string(), title: z.string().optional() });
const teacherSchema = z.object({ code: z.string(), token: z.string(), title: z.string(), createdAt: z.string(), expiresAt: z.string() });
export type StudentIdentity = z.infer<typeof studentSchema>;
export type TeacherIdentity = z.infer<typeof teacherSchema>;

const STUDENT_KEY = (code: string) => `latent-lab:classroom:student:${code}`;
const TEACHER_KEY = 'latent-lab:classroom:teacher';

function read<T>(key: string, schema: z.ZodType<T>): T | undefined {
  try {
    const raw = window.localStorage.getItem(key);
    if (raw === null) return undefined;
    const r = schema.safeParse(JSON.parse(raw));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

function write(key: string, value: unknown): void {
  try {
    window.localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Private mode or storage full: the session still works until the tab closes.
  }
}

export function loadStudent(code: string): StudentIdentity | undefined {
  return read(STUDENT_KEY(code), studentSchema);
}
export function saveStudent(identity: StudentIdentity): void {
  write(STUDENT_KEY(identity.code), identity);
}
export function forgetStudent(code: string): void {
  try {
    window.localStorage.removeItem(STUDENT_KEY(code));
  } catch {
    // nothing to forget
  }
}

export function loadTeacherSessions(): TeacherIdentity[] {
  return read(TEACHER_KEY, z.array(teacherSchema)) ?? [];
}
export function loadTeacher(code: string): TeacherIdentity | undefined {
  return loadTeacherSessions().find((t) => t.code === code);
}
export function saveTeacher(identity: TeacherIdentity): void {
  write(TEACHER_KEY, [identity, ...loadTeacherSessions().filter((t) => t.code !== identity.code)].slice(0, 50));
}
export function forgetTeacher(code: string): void {
  write(
    TEACHER_KEY,
    loadTeacherSessions().filter((t) => t.code !== code),
  );
}

const DEVICE_KEY = 'latent-lab:classroom:device';

/**
 * This browser's random id (made once, kept in localStorage), sent when joining so a teacher can
 * block the browser of a student they removed. Private windows and other browsers get another.
 */
export function deviceId(): string | undefined {
  try {
    const known = window.localStorage.getItem(DEVICE_KEY);
    if (known && /^d_[A-Za-z0-9_-]{16,64}$/.test(known)) return known;
    const bytes = crypto.getRandomValues(new Uint8Array(18));
    const id = `d_${btoa(String.fromCharCode(...bytes))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '')}`;
    window.localStorage.setItem(DEVICE_KEY, id);
    return id;
  } catch {
    return undefined;
  }
}
