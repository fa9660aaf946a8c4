/**
 * A music model named in text — a lab link, a Compare column, a classroom challenge: the shipped
 * id (`mel_2bar`), a fine-tuned model saved in the browser (`saved:<name>`) or a Magenta checkpoint
 * on the web (`url:https://…`). TF-free and dependency-light: pages and the classroom import it.
 */
import { z } from 'zod';
import type { MusicModelSource } from './protocol';
import { SHIPPED_MUSIC_MODELS, type MusicKind } from './shipped';

/** `saved:<name>`, the name as lib/music/finetune-card allows it. */
export const SAVED_MODEL_VALUE = /^saved:[A-Za-z0-9][A-Za-z0-9 _.-]{0,47}$/;
/** `url:` and a Magenta checkpoint folder's http(s) address. */
export const URL_MODEL_VALUE = /^url:https?:\/\/\S{1,2000}$/;

/** The shipped id, `saved:<name>` or `url:https://…` for a `kind` model. */
export function musicModelValueSchema(kind: MusicKind): z.ZodType<string> {
  return z.union([z.literal(SHIPPED_MUSIC_MODELS[kind]), z.string().regex(SAVED_MODEL_VALUE), z.string().regex(URL_MODEL_VALUE)]);
}

/** Where a model named by such a value is loaded from (a value of no known form: the shipped model). */
export function sourceOfModelValue(value: string): MusicModelSource {
  if (SAVED_MODEL_VALUE.test(value)) return { kind: 'saved', name: value.slice('saved:'.length) };
  if (URL_MODEL_VALUE.test(value)) return { kind: 'url', url: value.slice('url:'.length) };
  return { kind: 'shipped' };
}

/** The value naming a lab's loaded model (a picked folder has no name others could load: `folder`). */
export function modelValueOf(kind: MusicKind, info: { source: 'shipped' | 'url' | 'folder' | 'saved'; name: string; location: string }): string {
  if (info.source === 'saved') return `saved:${info.name}`;
  if (info.source === 'url') return `url:${info.location}`;
  if (info.source === 'folder') return 'folder';
  return SHIPPED_MUSIC_MODELS[kind];
}
